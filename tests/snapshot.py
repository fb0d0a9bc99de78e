"""The golden snapshot of extraction over data/raw: one line per paper with
its claims (every field a user reads, and the rule chain), quantities and
hardware. A rule that changes output changes this file, and the change is
read in review: `python -m tests.snapshot` writes it anew."""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "golden" / "snapshot_raw.jsonl"
CLAIM_FIELDS = ("char_start", "char_end", "text", "claim_type", "form", "value", "value_max", "unit", "factor",
                "factor_max", "qualifier", "direction", "subject", "baseline", "hardware", "metric", "dataset",
                "value_si", "unit_si", "rule")


def lines() -> list[str]:
    """The snapshot of the extraction of every raw paper, as JSON lines."""
    sys.path.insert(0, str(ROOT))
    from pipeline.extract import extract
    from pipeline.identity import paper_id
    from pipeline.ingest import discover, read_file
    from pipeline.records import Paper, RawPaper
    from pipeline.rules import default
    rules = default()
    seen: dict[str, Paper] = {}
    for f in discover([ROOT / "data" / "raw"]):
        for r in read_file(f):
            if isinstance(r, RawPaper):
                seen.setdefault(paper_id(r.title), Paper(paper_id(r.title), r.title, r.abstract, [r.source]))
    out = []
    for pid in sorted(seen):
        ex = extract(seen[pid], rules)
        out.append(json.dumps({
            "paper_id": pid,
            "claims": [{k: getattr(c, k) for k in CLAIM_FIELDS} for c in ex.claims],
            "quantities": [[q.char_start, q.char_end, q.unit, q.is_claim] for q in ex.quantities],
            "hardware": [[h.char_start, h.char_end, h.hardware, h.kind, h.count] for h in ex.hardware],
        }, ensure_ascii=False, sort_keys=True))
    return out


if __name__ == "__main__":
    SNAPSHOT.write_text("\n".join(lines()) + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}")
