"""The extraction of every raw paper equals the golden snapshot
(tests/golden/snapshot_raw.jsonl): a change of the extractor's output is a
change of that file, made on purpose (`python -m tests.snapshot`) and read
in review, never a side effect."""
import json

from .snapshot import SNAPSHOT, lines


def test_extraction_of_the_raw_papers_equals_the_snapshot():
    want = {json.loads(ln)["paper_id"]: ln for ln in SNAPSHOT.read_text(encoding="utf-8").splitlines()}
    got = {json.loads(ln)["paper_id"]: ln for ln in lines()}
    changed = sorted(pid for pid in want.keys() | got.keys() if want.get(pid) != got.get(pid))
    assert not changed, f"{len(changed)} papers differ from the snapshot, e.g. {changed[:5]}; " \
                        "if on purpose, write it anew with `python -m tests.snapshot`"
