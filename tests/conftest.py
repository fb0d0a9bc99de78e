from pathlib import Path

import pytest

from pipeline.build import build

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"


def raw_papers() -> list:
    """Every entry of the raw files, as read (RawPaper; a paper in several files comes once per file)."""
    from pipeline.ingest import discover, read_file
    from pipeline.records import RawPaper
    return [r for f in discover([ROOT / "data" / "raw"]) for r in read_file(f) if isinstance(r, RawPaper)]


def raw_abstracts() -> list[str]:
    """Every abstract of the raw files, as read."""
    return [r.abstract for r in raw_papers()]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The real pipeline over the real raw files, built once per session."""
    out = tmp_path_factory.mktemp("processed")
    report = build([ROOT / "data" / "raw"], out, batch_size=100, progress=False)
    return out, report
