"""Extraction output, in full, over several corpora: to show that a change
meant to be faster gives the same rows.

    python -m bench.identity OUT.jsonl      # writes one line per (corpus, abstract)
    cmp BEFORE.jsonl AFTER.jsonl

Each line holds every field of every claim, quantity, hardware row and
problem of `extract`, the spans of every layer of the abstract's Doc
(sentences, numbers, devices, benchmarks, metrics, cues, baseline phrases)
and the quantity stage alone (`find.numbers`). Corpora: data/raw, the
shared external abstracts and controls, the dev2 gold abstracts, and
variants of the raw abstracts that take the other paths of the gazetteer
scan (upper case; letters whose case-folding is another letter or two,
"ſ", "K", "ﬁ", "ß"; accents; line breaks).
"""
from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the shared data beside the checkout (as tests/conftest.py has it), or beside a folder of worktrees
SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.exists()),
              ROOT.parent / "shared")
VARIANTS = {
    "upper": lambda t: t.upper(),
    "long_s": lambda t: t.replace("s", "ſ", 3),
    "kelvin": lambda t: t.replace("k", "\u212a").replace("K", "\u212a"),
    "ligature": lambda t: t.replace("fi", "ﬁ"),
    "sharp_s": lambda t: "Straße. " + t,
    "accents": lambda t: t.replace("e", "é", 5).replace("a", "à", 5),
    "breaks": lambda t: t.replace(" ", "\n", 20),
}


def corpora() -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT))
    from bench.corpus import seed_papers
    raw = [p["abstract"] for p in seed_papers()]
    out = {"raw": raw}
    shared = sorted((SHARED / "external" / "abstracts").glob("*.jsonl")) + [SHARED / "gold" / "dev2-abstracts.jsonl"]
    for path in shared:
        if path.exists():
            out[path.stem] = [json.loads(ln)["abstract"] for ln in path.read_text(encoding="utf-8").splitlines()
                              if ln.strip()]
    for name, fn in VARIANTS.items():
        out[name] = [fn(t) for t in raw[::4]]
    return out


def _row(x) -> dict:
    return {k: v for k, v in dataclasses.asdict(x).items()}


def record(text: str, rules) -> dict:
    from pipeline import find
    from pipeline.extract import extract
    from pipeline.records import Paper
    try:
        ex = extract(Paper("0" * 16, "t", text, ["b"]), rules)
    except Exception as e:                       # a crash is output too: the same crash before and after
        return {"error": f"{type(e).__name__}: {e}"}
    doc = find.document("0" * 16, text, rules)
    spans = lambda hits: [(h.start, h.end, h.entry) for h in hits]      # noqa: E731
    return {
        "claims": [_row(c) for c in ex.claims], "quantities": [_row(q) for q in ex.quantities],
        "hardware": [_row(h) for h in ex.hardware], "problems": [_row(p) for p in ex.problems],
        "doc": {"sentences": doc.sentences, "numbers": [_row(m) for m in doc.numbers],
                "devices": [_row(d) for d in doc.devices], "benchmarks": spans(doc.benchmarks),
                "metrics": spans(doc.metrics), "cues": spans(doc.cues), "phrases": spans(doc.phrases)},
        "numbers": [_row(m) for m in find.numbers(text, rules)],
    }


def main(argv=None) -> None:
    out = Path((argv or sys.argv[1:])[0])
    from pipeline.rules import default
    rules = default()
    with out.open("w", encoding="utf-8") as f:
        for name, texts in corpora().items():
            for i, text in enumerate(texts):
                f.write(json.dumps({"corpus": name, "i": i, **record(text, rules)}, ensure_ascii=False,
                                   sort_keys=True, default=repr) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
