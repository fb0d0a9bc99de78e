"""Kill tests (issue 19): SIGKILL, SIGTERM and a full disk at random points
of 20 builds each leave a complete, consistent previous generation, and the
next build cleans up what a killed one left.

Each round starts the CLI's build (a fork of a warmed forkserver, see
kill_helpers.py), kills it after a random delay drawn over the length of a
whole build (so every stage is hit: reading, batches, claims.duckdb, data
docs, the switch), and checks OUT: `current` names one generation whose
tables, claims.duckdb, data docs and manifest agree, every published path
reads it, and no more than the killed build's own folder is left over.
The full disk is a small tmpfs (mounted when the tests run as root and may
mount), filled to a random level before each build; where it cannot be
mounted, every file the build writes is limited to a random size
(RLIMIT_FSIZE: writes past it fail with EFBIG, as they fail on a full disk).
The quick variants (3 rounds) run in `make test-fast`; the 20-round ones
are marked slow.
"""
import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline import write
from pipeline.schemas import TABLES

from .conftest import FIXTURES, out_folder_is_clean

# small, so that a round is quick, in batches of one paper, so that a build
# has every stage: several files, batches, claims.duckdb, data docs, switch
CORPUS = [FIXTURES / "corpus.jsonl", FIXTURES / "listing_authors.txt", FIXTURES / "corpus.csv"]


def _argv(out: Path, workers: int) -> list[str]:
    return ["build", *map(str, CORPUS), "--out", str(out), "--no-progress", "--batch-size", "1",
            "--workers", str(workers)]


@pytest.fixture(scope="module")
def builds():
    from . import kill_helpers
    return kill_helpers.context()


def _start(ctx, out: Path, log: Path, file_size_limit=None, workers=1):
    """A build, returned once it has begun: its log is open. A signal sent
    before that stops the forkserver's child before the CLI runs (exit 1,
    a traceback on the test's stderr), and the log read is the last round's."""
    from . import kill_helpers
    log.unlink(missing_ok=True)
    p = ctx.Process(target=_logged, args=(kill_helpers.run_cli, _argv(out, workers), str(log), file_size_limit))
    p.start()
    deadline = time.monotonic() + 60
    while not log.exists() and p.is_alive() and time.monotonic() < deadline:
        time.sleep(0.002)
    return p


def _logged(run, argv, log, file_size_limit):
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    run(argv, file_size_limit)


def _finish(p, seconds=300) -> int:
    p.join(seconds)
    assert not p.is_alive(), "the build did not end"
    return p.exitcode


def consistent(out: Path) -> dict:
    """OUT's current generation is complete and every path reads it; its row counts."""
    gen = (out / write.CURRENT).resolve()
    assert gen.parent == (out / write.GENERATIONS).resolve() and gen.is_dir()
    manifest = json.loads((gen / write.MANIFEST).read_text())
    assert manifest["generation"] == gen.name
    for name in write.PUBLISHED:
        assert (out / name).resolve() == gen / name, name
    rows = {t: pq.read_metadata(out / f"{t}.parquet").num_rows for t in TABLES}
    assert rows == manifest["rows"]
    con = duckdb.connect(str(out / "claims.duckdb"), read_only=True)
    try:
        assert {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES} == rows
    finally:
        con.close()
    index = (out / "data_docs" / "index.html").read_text()
    assert "<title>paper-claims data docs</title>" in index
    for link in [m for m in __import__("re").findall(r'href="(validations/[^"]+)"', index)]:
        assert (out / "data_docs" / link).exists(), link
    return rows


def _leftovers(out: Path) -> list[str]:
    """Folders of builds other than the current one."""
    current = write.current_generation(out)
    return sorted(p.name for p in (out / write.GENERATIONS).iterdir() if p.name != current)


def _reference(ctx, out: Path, log: Path) -> tuple[dict, float]:
    t = time.monotonic()
    assert _finish(_start(ctx, out, log)) == 0, log.read_text()
    return consistent(out), time.monotonic() - t


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _gone(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not [p for p in pids if Path(f"/proc/{p}").exists() and "Z" not in _state(p)]:
            return True
        time.sleep(0.1)
    return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "X"


def _kill_round(ctx, out: Path, log: Path, sig, delay: float, expected: dict, workers: int = 1) -> int:
    """One build, `sig` after `delay` seconds (if it still runs): OUT stays
    consistent, and its worker processes end with it."""
    before = set(_leftovers(out))
    p = _start(ctx, out, log, workers=workers)
    time.sleep(delay)
    workers_seen = _children(p.pid)
    if p.is_alive():
        os.kill(p.pid, sig)
    code = _finish(p)
    assert _gone(workers_seen, 10), "worker processes outlived the build"
    text = log.read_text()
    assert "Traceback" not in text, (delay, text)
    assert consistent(out) == expected, delay
    left = _leftovers(out)
    assert len(left) <= 1, (delay, left)        # a build removes what killed ones left before it starts
    if sig == signal.SIGKILL:
        assert len(set(left) - before) <= 1, (delay, left)     # its own folder, until the next build
    else:
        assert code in (0, 1, -sig), (delay, code, text)
        assert not set(left) - before, (delay, code, left)    # SIGTERM and SIGINT clean up after themselves
        if code == 1:
            assert f"error: build interrupted by {sig.name}; the previous tables are left in place" in text
    return code


class _Disk:
    """A small tmpfs for OUT, filled to a chosen level before a build; or,
    where none can be mounted, a limit on the size of every file written."""

    def __init__(self, path: Path):
        self.path = path
        self.mounted = os.geteuid() == 0 and shutil.which("mount") is not None
        path.mkdir()
        if self.mounted:
            self.mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(path)],
                                          capture_output=True).returncode == 0

    def fill(self, leave: int) -> int | None:
        """Leave about `leave` bytes free; the file size limit to use instead, if any."""
        if not self.mounted:
            return max(1_000, leave)
        with open(self.path / "filler", "wb") as f:
            f.write(b"\0" * max(0, shutil.disk_usage(self.path).free - leave))
        return None

    def empty(self) -> None:
        (self.path / "filler").unlink(missing_ok=True)

    def close(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


def _disk_round(ctx, disk: _Disk, out: Path, log: Path, leave: int, expected: dict) -> int:
    """One build on a disk with `leave` bytes free: it completes, or fails
    saying so; OUT stays consistent and the failed build removed its folder."""
    code = _finish(_start(ctx, out, log, disk.fill(leave)))
    disk.empty()
    text = log.read_text()
    assert "Traceback" not in text, text
    assert code in (0, 1), (code, text)
    if code == 1:
        assert "cannot write the build: " + ("no space left on device" if disk.mounted else "file too large") \
            in text, text
    assert consistent(out) == expected
    assert not _leftovers(out), _leftovers(out)
    return code


def _generation_bytes(out: Path) -> int:
    return sum(f.stat().st_size for f in (out / write.CURRENT).resolve().rglob("*") if f.is_file())


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_20_killed_builds_leave_the_previous_generation(builds, tmp_path, sig):
    out, log = tmp_path / "out", tmp_path / "build.log"
    expected, seconds = _reference(builds, out, log)
    rng = random.Random(sig.name)
    codes = [_kill_round(builds, out, log, sig, rng.uniform(0.0, seconds), expected) for _ in range(20)]
    assert _finish(_start(builds, out, log)) == 0      # the next build completes and removes what was left
    assert consistent(out) == expected
    out_folder_is_clean(out)
    assert sum(c != 0 for c in codes) >= 5, codes      # rounds were really interrupted (not all: random points)


@pytest.mark.slow
def test_20_builds_on_a_full_disk_leave_the_previous_generation(builds, tmp_path):
    disk = _Disk(tmp_path / "disk")
    out, log = disk.path / "out", tmp_path / "build.log"
    try:
        expected, _ = _reference(builds, out, log)
        need, rng = _generation_bytes(out), random.Random("disk")
        codes = [_disk_round(builds, disk, out, log, int(rng.uniform(0, 1.3) * need), expected) for _ in range(20)]
        assert codes.count(1) >= 5, codes
        out_folder_is_clean(out)
    finally:
        disk.close()


def test_a_killed_a_terminated_and_a_full_disk_build(builds, tmp_path):
    """One round of each (and of SIGINT, Ctrl-C), at random points: the
    quick suite's share."""
    disk = _Disk(tmp_path / "disk")
    out, log = disk.path / "out", tmp_path / "build.log"
    try:
        expected, seconds = _reference(builds, out, log)
        rng = random.Random()
        for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):     # with a pool of two workers
            _kill_round(builds, out, log, sig, rng.uniform(0.0, seconds), expected, workers=2)
        assert _disk_round(builds, disk, out, log, _generation_bytes(out) // 2, expected) == 1
        assert _finish(_start(builds, out, log)) == 0
        assert consistent(out) == expected
        out_folder_is_clean(out)
    finally:
        disk.close()
