"""Scoring extracted claims against gold (docs/evaluation.md).

The same method, and the same figures, as the team's reference scorer
(a test holds them equal where it is at hand): spans match by largest
overlap, one to one; typed matches need the same claim_type; fields compare
as docs/evaluation.md says. `write_errors` writes every miss, spurious claim
and wrong field to a file a person can read.

The project's gold sets are DEV_SETS: `dev`, scored on the tables `make`
builds from data/raw, and `dev2`, 210 papers of other sources and years,
built from their abstracts into build/dev2 by `make eval`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .config import GOLD_DEV, PROCESSED, RAW, ROOT

SCORED = ["form", "value", "value_max", "factor", "factor_max", "qualifier",
          "direction", "subject", "baseline", "hardware", "metric", "dataset"]
ARTICLES = {"a", "an", "the"}
VENDORS = {"nvidia", "google", "amd", "intel", "qualcomm", "apple", "arm",
           "aws", "amazon", "microsoft", "huawei", "cerebras", "graphcore",
           "sambanova"}
TOLERANCE = {"value": 0.005, "value_max": 0.005, "factor": 0.02, "factor_max": 0.02}


def is_null(x) -> bool:
    return x is None or (isinstance(x, float) and x != x) or x == ""


def _words(s) -> list[str]:
    return [w for w in re.sub(r"[^\w\s]", " ", str(s).lower()).split() if w not in ARTICLES]


def text_equal(a, b) -> bool:
    wa, wb = " ".join(_words(a)), " ".join(_words(b))
    return wa == wb or bool(wa and wb and (f" {wa} " in f" {wb} " or f" {wb} " in f" {wa} "))


def hw_key(s) -> str:
    return "".join(w for w in _words(s) if w not in VENDORS)


def field_equal(name: str, g, p) -> bool:
    if is_null(g) and is_null(p):
        return True
    if is_null(g) or is_null(p):
        return False
    if name in TOLERANCE:
        try:
            a, b = float(g), float(p)
        except (TypeError, ValueError):
            return False
        return abs(a - b) <= TOLERANCE[name] * max(abs(a), abs(b), 1e-12)
    if name == "hardware":
        return hw_key(g) == hw_key(p) and hw_key(g) != ""
    if name in ("subject", "baseline", "metric", "dataset"):
        return text_equal(g, p)
    return str(g) == str(p)


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def match(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    """Greedy one-to-one matching by largest character overlap."""
    pairs = sorted(((min(g["char_end"], p["char_end"]) - max(g["char_start"], p["char_start"]), gi, pi)
                    for gi, g in enumerate(gold) for pi, p in enumerate(pred)),
                   key=lambda t: (-t[0], t[1], t[2]))
    used_g, used_p, out = set(), set(), []
    for ov, gi, pi in pairs:
        if ov > 0 and gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gold[gi], pred[pi]))
    return out


def score(gold: list[dict], preds: list[dict], hw_rows: list[dict] | None = None):
    """(figures, errors) for the gold papers; preds of other papers are ignored."""
    wanted = {g["paper_id"] for g in gold}
    by_paper: dict[str, list[dict]] = {}
    for p in preds:
        if p.get("paper_id") in wanted:
            by_paper.setdefault(p["paper_id"], []).append(p)
    hw_by_paper: dict[str, set] = {}
    for r in hw_rows or []:
        if not is_null(r.get("hardware")):
            hw_by_paper.setdefault(r["paper_id"], set()).add(hw_key(r["hardware"]))
    n_gold = n_pred = tp = tp_typed = hw_tp = hw_pred = hw_gold = 0
    field_ok = dict.fromkeys(SCORED, 0)
    errors = []
    for g in gold:
        gc, pc = g["claims"], by_paper.get(g["paper_id"], [])
        n_gold += len(gc)
        n_pred += len(pc)
        pairs = match(gc, pc)
        tp += len(pairs)
        for a, b in pairs:
            if a["claim_type"] != b.get("claim_type"):
                errors.append(("type", g["paper_id"], a["text"], a["claim_type"], b.get("claim_type"), b))
                continue
            tp_typed += 1
            for f in SCORED:
                if field_equal(f, a.get(f), b.get(f)):
                    field_ok[f] += 1
                else:
                    errors.append((f, g["paper_id"], a["text"], a.get(f), b.get(f), b))
        matched_g = {id(a) for a, _ in pairs}
        matched_p = {id(b) for _, b in pairs}
        errors += [("missed", g["paper_id"], a["text"], a["claim_type"], None, a)
                   for a in gc if id(a) not in matched_g]
        errors += [("spurious", g["paper_id"], b.get("text"), None, b.get("claim_type"), b)
                   for b in pc if id(b) not in matched_p]
        ghw = {hw_key(h) for h in g.get("hardware", [])} - {""}
        phw = hw_by_paper.get(g["paper_id"], set()) - {""}
        hw_gold, hw_pred, hw_tp = hw_gold + len(ghw), hw_pred + len(phw), hw_tp + len(ghw & phw)
        errors += [("hw_missed", g["paper_id"], h, h, None, {}) for h in sorted(ghw - phw)]
        errors += [("hw_spurious", g["paper_id"], h, None, h, {}) for h in sorted(phw - ghw)]
    res = {"papers": len(gold), "gold_claims": n_gold, "pred_claims": n_pred}
    res["detect_p"], res["detect_r"], res["detect_f1"] = prf(tp, n_pred, n_gold)
    res["typed_p"], res["typed_r"], res["typed_f1"] = prf(tp_typed, n_pred, n_gold)
    for f in SCORED:
        res[f"acc_{f}"] = field_ok[f] / tp_typed if tp_typed else 0.0
    res["hw_p"], res["hw_r"], res["hw_f1"] = prf(hw_tp, hw_pred, hw_gold)
    return res, errors


def write_errors(errors: list, path: Path) -> None:
    """One line per error: kind, paper, text, gold, predicted, and the sentence."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("kind\tpaper_id\ttext\tgold\tpredicted\trule\tsentence\n")
        for kind, pid, text, g, p, row in errors:
            f.write("\t".join(str(x).replace("\t", " ").replace("\n", " ") for x in
                              (kind, pid, text, g, p, row.get("rule", ""),
                               row.get("sentence", row.get("anchor", ""))[:300])) + "\n")


def load_gold(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@dataclass(frozen=True)
class GoldSet:
    """A hand-checked set: its gold file, the tables scored against it and
    the input those tables are built from."""
    name: str
    gold: Path
    tables: Path
    inputs: Path | None     # None: unknown (a gold file of the user's)


DEV_SETS = {s.name: s for s in (
    GoldSet("dev", GOLD_DEV, PROCESSED, RAW),
    GoldSet("dev2", GOLD_DEV.with_name("dev2.jsonl"), ROOT / "build" / "dev2",
            GOLD_DEV.with_name("dev2-abstracts.jsonl")),
)}


def read_rows(tables: Path, table: str, columns: list[str] | None = None) -> list[dict]:
    """The rows of one built table (OUT/<table>.parquet, whichever engine built it)."""
    import pyarrow.parquet as pq

    from .schemas import table_path
    return pq.read_table(table_path(tables, table), columns=columns).to_pylist()


def score_tables(gold: list[dict], tables: Path):
    """score() of the claims and hardware tables in `tables`."""
    return score(gold, read_rows(tables, "claims"), read_rows(tables, "hardware"))


def sources(tables: Path) -> set[str]:
    """The names of the files the papers of `tables` were read from."""
    return {s for r in read_rows(tables, "papers", ["sources"]) for s in r["sources"] or ()}


def input_names(inputs: Path) -> set[str]:
    """The names of the files a build of `inputs` reads."""
    from .ingest import discover
    return {f.name for f in discover([inputs])}


def papers_found(gold: list[dict], tables: Path) -> int:
    """How many of the gold papers the tables hold."""
    ids = {r["paper_id"] for r in read_rows(tables, "papers", ["paper_id"])}
    return sum(g["paper_id"] in ids for g in gold)


def side_by_side(results: dict[str, dict]) -> str:
    """The figures of several sets in columns, one figure a line; the
    headline (typed_f1) last, as the reference scorer prints it."""
    names = list(results)
    keys = [k for k in next(iter(results.values())) if k != "typed_f1"] + ["typed_f1"]
    width = max(9, *(len(n) + 2 for n in names))
    cell = lambda v: f"{v:.3f}" if isinstance(v, float) else str(v)  # noqa: E731
    lines = [f"{'figure':<14}" + "".join(f"{n:>{width}}" for n in names)]
    lines += [f"{k:<14}" + "".join(f"{cell(results[n][k]):>{width}}" for n in names) for k in keys]
    return "\n".join(lines)
