"""The output folder: each build's tables, claims.duckdb and data docs are
one generation, switched in at once.

    OUT/
      .lock                           held (flock) by the build writing here
      .generations/<id>/              one build: <table>.parquet for every
                                      table, claims.duckdb, data_docs/,
                                      manifest.json
      current -> .generations/<id>    the generation in use (a symlink)
      claims.parquet -> current/claims.parquet     one fixed link per
      ...                                          published name (PUBLISHED)
      claims.duckdb -> current/claims.duckdb
      data_docs -> current/data_docs

Why this design: the paths users read (`OUT/claims.parquet`,
`OUT/claims.duckdb`, `OUT/data_docs/index.html`, in pandas, pyarrow, DuckDB
or a browser) stay what they were, and each is a link *through* `current`
that never changes once made. Replacing the one `current` link (a rename,
atomic on POSIX) switches every table, the database and the docs together:
a reader opening the paths sees the previous complete set or the new one,
never a mix, and a build that fails or is killed at any point (SIGKILL, a
full disk, DuckDB out of memory) leaves `current` where it was. A link per
file switched one by one would be six renames, not one; a manifest naming
the generation would break the README's plain paths. A reader that must
read several tables of one build while builds run resolves `OUT/current`
once and reads inside it (manifest.json names the build).

A build takes the lock first (a second build into the same OUT fails at
once, naming the holder: no build deletes another's files), removes what
killed builds left (generations `current` does not point to, temporary
links, the temporary files of builds before this layout), writes its
generation, fsyncs it, switches, and removes the previous generation.
SIGINT and SIGTERM during a build raise BuildInterrupted, so the same
clean-up runs; once the switch has begun a signal no longer stops it (the
build is complete). The local and the Dask engine write this same layout.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import secrets
import shutil
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import BuildInterrupted, BuildLockedError, OutputError
from .schemas import TABLES, schema

GENERATIONS = ".generations"
CURRENT = "current"
LOCK = ".lock"
DATA_DOCS = "data_docs"
DATABASE = "claims.duckdb"
MANIFEST = "manifest.json"
PUBLISHED = tuple(f"{t}.parquet" for t in TABLES) + (DATABASE, DATA_DOCS)
# what builds before the generation layout left in OUT, removed on sight
_OLD_TEMPORARIES = (".building-*", ".claims.duckdb.tmp", ".duckdb.tmp", ".data_docs-*")
# errors of the output filesystem: the build says so in words, not a traceback
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM,
                  errno.EIO, errno.ENOTDIR, errno.EEXIST}


@dataclass
class Generation:
    """The folder a build writes everything into; `scratch` is removed
    before the switch; `manifest` is written as manifest.json."""
    out_dir: Path
    id: str
    lock_fd: int
    manifest: dict = field(default_factory=dict)
    phase: _Phase | None = field(default=None, repr=False)

    def check(self) -> None:
        """Raise BuildInterrupted if a signal came whose exception was lost
        (raised inside a __del__, or caught by a library): the build stops at
        its next step instead of running on to its end."""
        if self.phase is not None and self.phase.working and self.phase.signal:
            raise BuildInterrupted(self.phase.signal)

    @property
    def path(self) -> Path:
        return self.out_dir / GENERATIONS / self.id

    @property
    def scratch(self) -> Path:
        return self.path / ".scratch"


class _Phase:
    """Where the transaction is, for the signal handler: a signal raises
    BuildInterrupted only while the build works; during clean-up or the
    switch it is noted and the build finishes what it does."""

    def __init__(self):
        self.working = True
        self.signal: str | None = None

    def handler(self, signum, _frame):
        name = signal.Signals(signum).name
        if self.working and self.signal is None:
            self.signal = name
            raise BuildInterrupted(name)
        self.signal = self.signal or name


@contextlib.contextmanager
def _signals_raise(phase: _Phase) -> Iterator[None]:
    """SIGINT and SIGTERM raise BuildInterrupted (main thread only: Python
    runs handlers there; a build run from a thread is stopped by its caller).
    Raised inside a __del__ (the regex module's, while rules compile), the
    exception cannot propagate and Python would print it with a traceback:
    it is dropped in silence, and Generation.check raises it again."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, phase.handler) for s in (signal.SIGINT, signal.SIGTERM)}
    old_hook = sys.unraisablehook

    def unraisable(u) -> None:
        if not isinstance(u.exc_value, BuildInterrupted):
            old_hook(u)
    sys.unraisablehook = unraisable
    try:
        yield
    finally:
        sys.unraisablehook = old_hook
        for s, h in old.items():
            signal.signal(s, h)


@contextlib.contextmanager
def transaction(out_dir: Path) -> Iterator[Generation]:
    """One build: a fresh generation in `out_dir`, switched in when the block
    ends without error, removed otherwise. Errors of the output filesystem
    become OutputError."""
    out_dir = Path(out_dir)
    phase = _Phase()
    with _signals_raise(phase):
        _make_folder(out_dir)
        with _locked(out_dir) as lock_fd:
            with _output_errors(out_dir):
                remove_stale(out_dir)
                (out_dir / GENERATIONS).mkdir(exist_ok=True)
            gen = Generation(out_dir, _new_id(), lock_fd, phase=phase)
            try:
                with _output_errors(out_dir):
                    gen.path.mkdir()
                    gen.scratch.mkdir()
                    yield gen
                    gen.check()             # a signal whose exception was lost

                    _seal(gen)
            except BaseException as e:
                phase.working = False
                shutil.rmtree(gen.path, ignore_errors=True)
                if phase.signal and not isinstance(e, BuildInterrupted):
                    raise BuildInterrupted(phase.signal) from e     # the error the signal caused
                raise
            phase.working = False
            with _output_errors(out_dir):
                _switch(gen)


def _new_id() -> str:
    """Sortable by time, unique across processes and within one."""
    return f"{dt.datetime.now().strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{secrets.token_hex(3)}"


def _make_folder(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(out_dir, "is a file, expected a folder to write the tables into",
                          keeps_previous=False)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(out_dir, f"cannot be made ({e.strerror or e})", keeps_previous=False) from e
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError(out_dir, "cannot be written (permission denied)", keeps_previous=False)


@contextlib.contextmanager
def _locked(out_dir: Path) -> Iterator[int]:
    """An exclusive flock on OUT/.lock for the build (released by the kernel
    when the process ends, however it ends)."""
    path = out_dir / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise OutputError(out_dir, f"cannot be written ({e.strerror or e})", keeps_previous=False) from e
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", errors="replace").strip()
            raise BuildLockedError(out_dir, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {dt.datetime.now():%Y-%m-%d %H:%M:%S}".encode(), 0)
        yield fd
    finally:
        os.close(fd)


@contextlib.contextmanager
def _output_errors(out_dir: Path) -> Iterator[None]:
    """An OSError of the output filesystem (full disk, read-only, quota,
    permission) as an OutputError naming OUT and the cause."""
    try:
        yield
    except OSError as e:
        code = getattr(e, "errno", None)
        if code not in _OUTPUT_ERRNOS:     # pyarrow names the cause in its message only
            code = next((c for c in _OUTPUT_ERRNOS if os.strerror(c) in str(e)), None)
        if code is None:
            raise
        cause = os.strerror(code).lower()
        detail = e.strerror if getattr(e, "errno", None) == code else None
        if detail and os.strerror(code) not in detail:
            cause += f" ({detail})"
        raise OutputError(out_dir, f"cannot write the build: {cause}") from e


def remove_stale(out_dir: Path) -> None:
    """What builds that were killed left in OUT: every generation but the
    current one, temporary links, and the temporary files of builds before
    the generation layout. Called with the lock held."""
    keep = current_generation(out_dir)
    gens = out_dir / GENERATIONS
    if gens.is_dir():
        for g in gens.iterdir():
            if g.name != keep:
                _remove(g)
    for pattern in (".current-*", ".link-*") + _OLD_TEMPORARIES:
        for p in out_dir.glob(pattern):
            _remove(p)


def current_generation(out_dir: Path) -> str | None:
    """The id of the generation OUT/current points to, if any."""
    try:
        return Path(os.readlink(Path(out_dir) / CURRENT)).name
    except OSError:
        return None


def _remove(p: Path) -> None:
    if p.is_symlink() or not p.is_dir():
        p.unlink(missing_ok=True)
    else:
        shutil.rmtree(p, ignore_errors=True)


def _seal(gen: Generation) -> None:
    """Scratch removed, manifest written, every file and folder fsynced: the
    generation is complete on disk before anything points to it."""
    shutil.rmtree(gen.scratch, ignore_errors=True)
    gen.manifest = {"generation": gen.id, **gen.manifest}
    (gen.path / MANIFEST).write_text(json.dumps(gen.manifest, indent=2, default=str) + "\n", encoding="utf-8")
    for root, dirs, files in os.walk(gen.path):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(root))
    _fsync_dir(gen.path.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _switch(gen: Generation) -> None:
    """`current` -> the new generation in one rename; then the fixed links
    are made where missing (the first build, or a folder of the old
    layout), and the previous generation is removed."""
    out = gen.out_dir
    previous = current_generation(out)
    _replace_with_link(out / CURRENT, f"{GENERATIONS}/{gen.id}")
    _fsync_dir(out)
    for name in PUBLISHED:
        target = f"{CURRENT}/{name}"
        p = out / name
        if not (p.is_symlink() and os.readlink(p) == target):
            _replace_with_link(p, target)
    for t in TABLES:                    # the part folders of a Dask build before this layout
        if (out / t).is_dir() and not (out / t).is_symlink():
            shutil.rmtree(out / t, ignore_errors=True)
    _fsync_dir(out)
    if previous and previous != gen.id:
        shutil.rmtree(out / GENERATIONS / previous, ignore_errors=True)


def _replace_with_link(path: Path, target: str) -> None:
    """`path` becomes a symlink to `target` in one rename (a real folder of
    the old layout is moved aside first, then removed)."""
    tmp = path.with_name(f".link-{secrets.token_hex(4)}")
    os.symlink(target, tmp)
    if path.is_dir() and not path.is_symlink():
        aside = path.parent / GENERATIONS / f".old-{path.name}-{secrets.token_hex(4)}"
        os.replace(path, aside)
        os.replace(tmp, path)
        shutil.rmtree(aside, ignore_errors=True)
    else:
        os.replace(tmp, path)


class TableWriters:
    """Every table written incrementally into a generation folder, one row
    group per batch, from the declared schemas (an empty table still has
    its schema)."""

    def __init__(self, folder: Path, tables=TABLES):
        self.folder = Path(folder)
        self.tables = tables
        self.writers = {t: pq.ParquetWriter(self.folder / f"{t}.parquet", schema(t)) for t in tables}
        self.counts = {t: 0 for t in tables}

    def write(self, table: str, data: pa.Table) -> None:
        """One row group: an Arrow table of the table's schema (schemas.to_arrow)."""
        if data.num_rows:
            self.writers[table].write_table(data)
            self.counts[table] += data.num_rows

    def close(self) -> None:
        errors = []
        for w in self.writers.values():
            try:
                w.close()
            except Exception as e:  # noqa: BLE001 - every writer is closed; the first error is raised
                errors.append(e)
        if errors:
            raise errors[0]

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            with contextlib.suppress(Exception):
                self.close()
        return False
