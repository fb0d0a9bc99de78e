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


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a long end-to-end case; `make test-fast` (-m 'not slow') skips it")


def out_folder_is_clean(out: Path) -> None:
    """OUT holds one complete generation, what points to it, and the lock:
    no temporary folder or file of any build is left."""
    from pipeline import write
    gens = sorted(p.name for p in (out / write.GENERATIONS).iterdir())
    assert gens == [write.current_generation(out)], gens
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [write.LOCK, write.GENERATIONS, write.CURRENT, *write.PUBLISHED]), sorted(p.name for p in out.iterdir())
    for name in write.PUBLISHED:
        assert (out / name).is_symlink() and (out / name).exists(), name
    inside = sorted(p.name for p in (out / write.CURRENT).iterdir())
    assert inside == sorted([*write.PUBLISHED, write.MANIFEST]), inside
