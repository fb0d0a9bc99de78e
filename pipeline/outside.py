"""Outside checks of the quantity stage on text nobody here wrote.

- MeasEval (SemEval-2021 Task 8) eval split: quantity spans, overlap match,
  P/R/F1 (the published reference, grobid-quantities: F1 0.575 strict,
  0.702 soft).
- quantulum3's English test file: the share of its expected (value, unit)
  pairs our quantity parser finds.

Both read the data from a folder given by the caller (by default
shared/external beside the checkout); neither is part of the build.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from . import evaluate, resources
from .find import numbers
from .rules import default as default_rules


def measeval(folder: Path) -> dict:
    """Quantity-span P/R/F1 over the MeasEval texts (spans match by overlap)."""
    tp = n_pred = n_gold = 0
    for txt in sorted((folder / "text").glob("*.txt")):
        text = txt.read_text(encoding="utf-8")
        gold = []
        tsv = folder / "tsv" / (txt.stem + ".tsv")
        if tsv.exists():
            with open(tsv, encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f, delimiter="\t"):
                    if row["annotType"] == "Quantity":
                        gold.append({"char_start": int(row["startOffset"]), "char_end": int(row["endOffset"])})
        pred = [{"char_start": m.start, "char_end": m.end} for m in numbers(text, default_rules())
                if m.rule not in ("num.year", "num.reference")]
        tp += len(evaluate.match(gold, pred))
        n_pred += len(pred)
        n_gold += len(gold)
    p, r, f = evaluate.prf(tp, n_pred, n_gold)
    return {"measeval_gold": n_gold, "measeval_pred": n_pred,
            "measeval_p": p, "measeval_r": r, "measeval_f1": f}


def _unit_map() -> dict[str, str]:
    return {r["quantulum"]: r["unit"] for r in resources.csv_rows("quantulum_units.csv")}


def quantulum3(path: Path) -> tuple[dict, list[dict]]:
    """Share of quantulum3's expected quantities found with the same value
    (and, where the unit is one we know, the same unit); and the misses."""
    cases = json.loads(path.read_text(encoding="utf-8"))
    units = _unit_map()
    found = value_ok = unit_known = unit_ok = total = 0
    misses = []
    for case in cases:
        text = case["req"]
        mentions = numbers(text, default_rules())
        for exp in case["res"]:
            total += 1
            start = text.find(exp["surface"])
            span = (start, start + len(exp["surface"]))
            hit = next((m for m in mentions if m.start < span[1] and span[0] < m.end), None)
            ours = None
            if hit is not None:
                found += 1
                ours = (hit.value + hit.value_max) / 2 if hit.value_max is not None else hit.value
                if evaluate.field_equal("value", float(exp["value"]), ours):
                    value_ok += 1
            want_unit = units.get(exp["unit"])
            if want_unit is not None:
                unit_known += 1
                if hit is not None and hit.unit == want_unit:
                    unit_ok += 1
            if hit is None or not evaluate.field_equal("value", float(exp["value"]), ours) \
                    or (want_unit is not None and hit.unit != want_unit):
                misses.append({"req": text, "surface": exp["surface"], "value": exp["value"],
                               "unit": exp["unit"], "ours": hit.text if hit else None,
                               "our_value": ours, "our_unit": hit.unit if hit else None,
                               "domain": want_unit is not None})
    return ({"quantulum3_expected": total, "quantulum3_found": found / total,
             "quantulum3_value_ok": value_ok / total,
             "quantulum3_unit_ok_of_known": unit_ok / unit_known if unit_known else 0.0,
             "quantulum3_pass": (total - len(misses)) / total}, misses)
