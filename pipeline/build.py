"""The build: raw files -> validated Parquet tables, one transaction.

The input is read once (ingest.spill): every record goes to a scratch file
while the source files of each paper are counted (the same paper in several
dumps is one row listing them all). Then papers stream from that file in
bounded batches through `process_batch`, a pure function of one batch, and
each batch's rows are written as a row group. `process_batch` runs in this
process, in a pool of worker processes, or on Dask (pipeline/distributed.py);
results are consumed in input order, so the output does not depend on the
number of workers or the engine.

Everything a build writes (tables, claims.duckdb, data docs) goes into a new
generation of the output folder, switched in at the end (pipeline/write.py):
a failure, a signal or a full disk leaves the previous complete set. Bad
input never stops a build: a record that cannot be read, a value that does
not fit its column, an exception in the extraction of one paper, each is a
rejected row with its reason.
"""
from __future__ import annotations

import array
import collections
import contextlib
import datetime as dt
import gc
import math
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ContextManager, Iterable, Iterator

import numpy as np
import pyarrow as pa

from . import compare, database, write
from . import validate as validation
from .config import DEFAULT_BATCH_SIZE, MAX_BATCH_CHARS, MIN_BATCH_SIZE, REJECTED_RAW_CHARS
from .errors import ArgumentError, BuildInterrupted, InputError, NoPaperError, WorkerError
from .extract import extract
from .identity import paper_id
from .ingest import discover, read_file, spill
from .ingest.dates import year_of
from .records import Paper, Problem, RawPaper
from .rules import default as default_rules
from .schemas import TABLES, to_arrow, to_arrow_fitting

STAGES = ("extract", "validate")
DATA_DOCS_SAMPLE = 20_000


@dataclass
class Batch:
    """Papers to process together, and the input problems met while reading
    them; `problems_at[i]`: how many of the batch's papers came before
    problems[i] in the input."""
    papers: list[Paper]
    problems: list[dict] = field(default_factory=list)
    problems_at: list[int] = field(default_factory=list)


@dataclass
class BatchResult:
    """One batch's tables, as Arrow (compact to send between processes, and
    converted where the batch ran), with the figures the report adds up."""
    tables: dict[str, pa.Table]       # rejected: in input order (see _in_input_order)
    extracted: dict[str, int]
    timings: dict[str, float]
    warnings: dict[str, int] = field(default_factory=dict)
    rejected_by_table: dict[str, int] = field(default_factory=dict)   # rows that failed validation
    problems: int = 0                 # input that could not be read or extracted
    failed: dict[str, pa.Table] = field(default_factory=dict)   # rows that failed validation, typed


@dataclass
class Report:
    papers_seen: int = 0
    extracted: dict[str, int] = field(default_factory=lambda: {t: 0 for t in TABLES})
    written: dict[str, int] = field(default_factory=lambda: {t: 0 for t in TABLES})
    rejected: dict[str, int] = field(default_factory=dict)
    input_errors: list[str] = field(default_factory=list)
    input_reasons: collections.Counter = field(default_factory=collections.Counter)
    timings: dict[str, float] = field(default_factory=lambda: {s: 0.0 for s in STAGES})
    warnings: dict[str, int] = field(default_factory=dict)
    data_docs: Path | None = None
    seconds: float = 0.0
    batch_size: int = 0
    workers: int = 1

    def tally(self, extracted: dict[str, int], rejected_by_table: dict[str, int], problems: int,
              timings: dict[str, float], warnings: dict[str, int]) -> None:
        """Add the figures of one processed batch."""
        for t in TABLES:
            self.extracted[t] += extracted[t]
        for t, n in rejected_by_table.items():
            self.rejected[t] = self.rejected.get(t, 0) + n
        if problems:
            self.rejected["input"] = self.rejected.get("input", 0) + problems
        for s, v in timings.items():
            self.timings[s] += v
        for k, v in warnings.items():
            self.warnings[k] = self.warnings.get(k, 0) + v
        self.papers_seen += extracted["papers"]

    def note_problem(self, reason: str) -> None:
        """Count an input problem's reason, for the message of a build that
        finds no paper (a few kinds kept: reasons name lines and values)."""
        key = reason.split(" (")[0][:120]
        if key in self.input_reasons or len(self.input_reasons) < 20:
            self.input_reasons[key] += 1

    def why_no_paper(self) -> list[str]:
        why = list(self.input_errors)
        n = sum(self.input_reasons.values())
        if n:
            kinds = "; ".join(f"{reason} ({k})" for reason, k in self.input_reasons.most_common(3))
            why.append(f"{n:,} record{'s' * (n > 1)} rejected: {kinds}")
        return why

    def summary(self) -> str:
        lines = [f"{'table':<12}{'extracted':>10}{'written':>10}{'rejected':>10}"]
        for t in ("papers", "claims", "quantities", "hardware"):
            lines.append(f"{t:<12}{self.extracted[t]:>10}{self.written[t]:>10}"
                         f"{self.rejected.get(t, 0):>10}")
        lines.append(f"comparisons.parquet: {self.written['comparisons']} rows; "
                     f"tables and views also in claims.duckdb")
        lines.append(f"rejected.parquet: {self.written['rejected']} rows "
                     f"({self.rejected.get('input', 0)} of input that could not be read or extracted)")
        for message, n in sorted(self.warnings.items()):
            lines.append(f"note: {n} {message}")
        if self.data_docs:
            lines.append(f"data docs: {self.data_docs}")
        lines.append(f"{self.papers_seen} papers in {self.seconds:.1f}s "
                     f"(batches of {self.batch_size:,}, {self.workers} worker{'s' * (self.workers > 1)})")
        return "\n".join(lines)


@contextlib.contextmanager
def _no_cycle_collection():
    """Extraction makes many small objects and no reference cycles, so the
    cycle collector only slows it (by ~8% on a batch of 10,000 papers, as
    its passes go over every row made so far); reference counting still
    frees everything. The collector is back on afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def process_batch(batch: Batch) -> BatchResult:
    """Extract and validate one batch: a pure function, safe to run anywhere.
    An exception in the extraction of one paper is that paper's rejected row
    (the paper is kept, with no claims); the batch goes on."""
    papers = batch.papers
    rules = default_rules()        # loaded once per process
    t0 = time.perf_counter()
    rows = {t: [] for t in TABLES}
    rows["papers"] = [_paper_row(p) for p in papers]
    extraction_problems: list[dict] = []
    with _no_cycle_collection():
        for p in papers:
            try:
                ex = extract(p, rules)
            except BuildInterrupted:
                raise                   # a signal met during this paper's extraction (write.py), no failure of it
            except Exception as e:  # noqa: BLE001 - one paper's failure is its rejected row, not the build's
                extraction_problems.append(_failed_extraction(p, e))
                continue
            extraction_problems.extend({**_problem_row(pr), "paper_id": p.paper_id} for pr in ex.problems)
            rows["claims"].extend(c.row() for c in ex.claims)
            rows["quantities"].extend(q.row() for q in ex.quantities)
            rows["hardware"].extend(h.row() for h in ex.hardware)
    t1 = time.perf_counter()
    extracted = {t: len(rows[t]) for t in TABLES}
    abstracts = {p.paper_id: p.abstract for p in papers}
    warnings: dict[str, int] = {}
    tables: dict[str, pa.Table] = {}
    failed: dict[str, pa.Table] = {}
    for table in validation.VALIDATED if papers else ():
        outcome = validation.validate(table, rows[table], abstracts)
        rows[table], tables[table] = outcome.good, outcome.table
        rows["rejected"].extend(outcome.rejected)
        if outcome.failed is not None and outcome.failed.num_rows:
            failed[table] = outcome.failed
        for k, v in outcome.warnings.items():
            warnings[k] = warnings.get(k, 0) + v
    rows["comparisons"] = compare.comparisons(rows["claims"])   # of validated claims only
    tables["comparisons"], unfit = to_arrow_fitting("comparisons", rows["comparisons"])
    rows["rejected"].extend(validation.rejected_row("comparisons", rows["comparisons"][i], why)
                            for i, why in unfit)
    rejected_by_table = dict(collections.Counter(r["table"] for r in rows["rejected"]))
    rows["rejected"] = _in_input_order(batch, rows["rejected"], extraction_problems)
    problems = len(batch.problems) + len(extraction_problems)
    for t in TABLES:        # the rejected rows (text), and every table of a batch of problems only
        if tables.get(t) is None:
            tables[t] = to_arrow(t, rows[t])
    t2 = time.perf_counter()
    return BatchResult(tables, extracted, {"extract": t1 - t0, "validate": t2 - t1}, warnings,
                       rejected_by_table, problems, failed)


def _paper_row(p: Paper) -> dict:
    row = p.row()
    row["year"] = year_of(p.published, p.published_text)
    return row


def _failed_extraction(p: Paper, e: Exception) -> dict:
    detail = f"{type(e).__name__}: {e}".replace("\n", " ")
    return {"table": "claims", "source": p.sources[0] if p.sources else None, "line": None,
            "paper_id": p.paper_id, "row": p.paper_id,
            "reason": f"extraction failed ({detail[:300]}); the paper is kept, with no claims"}


def _in_input_order(batch: Batch, failed: list[dict], extraction_problems: list[dict]) -> list[dict]:
    """The batch's rejected rows in the order of the input: an input problem
    where it was met, then for each paper its rows that failed validation
    (table by table, in row order) and its extraction problems. Batches are
    consecutive pieces of the input, so the rejected table comes out the
    same whatever the batch size, and so whatever the number of workers."""
    if not failed and not extraction_problems:
        return batch.problems               # in input order already
    at = {p.paper_id: i for i, p in enumerate(batch.papers)}
    end = len(batch.papers)
    tables = {t: n for n, t in enumerate(validation.VALIDATED, 1)}
    keyed = [((batch.problems_at[j], 0, j), r) for j, r in enumerate(batch.problems)]
    keyed += [((at.get(r["paper_id"], end), tables.get(r["table"], len(tables) + 1), j), r)
              for j, r in enumerate(failed)]
    keyed += [((at.get(r["paper_id"], end), len(tables) + 2, j), r) for j, r in enumerate(extraction_problems)]
    keyed.sort(key=lambda kr: kr[0])
    return [r for _, r in keyed]


def _problem_row(p: Problem) -> dict:
    return {"table": p.table, "source": p.source, "line": p.line, "paper_id": None,
            "reason": p.reason, "row": p.raw}


class SourceIndex:
    """How many distinct papers the inputs hold, and the source files of the
    papers met more than once (the others have one: the file they are in).

    Every id is held as an 8-byte integer with a 4-byte file number (12 MB
    for a million papers) until `seal()`, which keeps only the repeated ones
    as strings; a dict of every id would hold ~200 MB per million papers
    for the whole build.

    >>> ix = SourceIndex(["a.txt", "b.txt"])
    >>> for pid, f in [("00000000000000ff", 0), ("0000000000000001", 0), ("00000000000000ff", 1)]:
    ...     ix.add(pid, f)
    >>> ix.seal(); len(ix), ix.repeated
    (2, {'00000000000000ff': ['a.txt', 'b.txt']})
    """

    def __init__(self, files: list[str]):
        self.files = files
        self._ids = array.array("Q")
        self._file_nos = array.array("I")
        self.repeated: dict[str, list[str]] = {}
        self._count = 0

    def add(self, pid: str, file_no: int) -> None:
        self._ids.append(int(pid, 16))
        self._file_nos.append(file_no)

    def seal(self) -> None:
        ids = np.array(self._ids, dtype=np.uint64)
        nos = np.array(self._file_nos, dtype=np.uint32)
        unique, counts = np.unique(ids, return_counts=True)
        self._count = len(unique)
        twice = np.isin(ids, unique[counts > 1])
        for value, no in zip(ids[twice].tolist(), nos[twice].tolist()):
            names = self.repeated.setdefault(f"{value:016x}", [])
            if self.files[no] not in names:
                names.append(self.files[no])
        self._ids, self._file_nos = array.array("Q"), array.array("I")

    def sources(self, pid: str) -> list[str] | None:
        """The files of a paper met more than once; None for the others."""
        return self.repeated.get(pid)

    def __len__(self) -> int:
        return self._count


def read_inputs(files: list[Path], spill_path: Path, report: Report) -> SourceIndex:
    """The one pass over the input: every record of every file, in order,
    into the spill file, and every paper's source files into the index. A
    file that cannot be read (or stops being readable) is an input error
    and a rejected row where it was met; the others go on."""
    index = SourceIndex([f.name for f in files])
    writer = spill.SpillWriter(spill_path)
    try:
        for i, f in enumerate(files):
            try:
                for rec in read_file(f):
                    if isinstance(rec, RawPaper):
                        index.add(paper_id(rec.title), i)
                    else:
                        report.note_problem(rec.reason)
                    writer.add(rec)
            except InputError as e:
                report.input_errors.append(str(e))
                writer.add(Problem(f.name, e.line, "papers", str(e), ""))
    finally:
        writer.close()
    index.seal()
    return index


def stream_papers(spill_path: Path, index: SourceIndex) -> Iterator[Paper | dict]:
    """Each paper once, at its first occurrence, with all its sources; and,
    in input order, a rejected row for each input problem."""
    seen: dict[str, int] = {}      # only for ids met more than once
    for rec in spill.read(spill_path):
        if isinstance(rec, Problem):
            yield _problem_row(rec)
            continue
        pid = paper_id(rec.title)
        if pid in index.repeated:
            if pid in seen:
                if seen[pid] != hash(rec.abstract):
                    yield _problem_row(Problem(
                        rec.source, rec.line, "papers",
                        f"duplicate title {pid} with a different abstract; the first is kept",
                        rec.abstract[:REJECTED_RAW_CHARS]))
                continue
            seen[pid] = hash(rec.abstract)
        yield Paper(pid, rec.title, rec.abstract, index.sources(pid) or [rec.source],
                    rec.published, rec.published_text, rec.n_authors, rec.external_id)


def papers_of(inputs: list[Path]) -> Iterator[Paper]:
    """The papers of the inputs as a build reads them (for benchmarks and
    tests), through a spill file of a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Report()
        index = read_inputs(discover(inputs), Path(tmp) / "input.arrows", report)
        yield from (p for p in stream_papers(Path(tmp) / "input.arrows", index) if isinstance(p, Paper))


def plan(n_papers: int, workers: int | None, batch_size: int | None) -> tuple[int, int]:
    """(batch size, worker processes) for an input of n_papers: batches of
    DEFAULT_BATCH_SIZE, smaller when that would leave workers idle (each
    worker gets at least two, down to MIN_BATCH_SIZE papers), and no more
    workers than batches. Explicit values are kept.

    >>> plan(413, None, None)[1], plan(100_000, 2, None), plan(10_000, 2, None), plan(10_000, 2, 37)
    (1, (10000, 2), (2500, 2), (37, 2))
    """
    workers = max(1, workers or os.cpu_count() or 1)
    if batch_size is None:
        batch_size = DEFAULT_BATCH_SIZE if workers == 1 else \
            max(MIN_BATCH_SIZE, min(DEFAULT_BATCH_SIZE, math.ceil(n_papers / (2 * workers))))
    return batch_size, max(1, min(workers, math.ceil(max(n_papers, 1) / batch_size)))


def batched(items: Iterable[Paper | dict], size: int, max_chars: int = MAX_BATCH_CHARS) -> Iterator[Batch]:
    """Bounded batches: at most `size` papers holding at most `max_chars`
    characters of abstracts (one more paper may cross it), and at most `size`
    problem rows, which travel with the batch they were met in."""
    batch, chars = Batch([]), 0
    for item in items:
        if isinstance(item, Paper):
            batch.papers.append(item)
            chars += len(item.abstract)
            full = len(batch.papers) >= size or chars >= max_chars
        else:
            batch.problems.append(item)
            batch.problems_at.append(len(batch.papers))
            full = len(batch.problems) >= size
        if full:
            yield batch
            batch, chars = Batch([]), 0
    if batch.papers or batch.problems:
        yield batch


Runner = Callable[[int, "write.Generation"], ContextManager[Callable[[Callable, Iterable], Iterator]]]


def ordered_map(fn: Callable, items: Iterable, pool: ProcessPoolExecutor | None,
                window: int) -> Iterator:
    """fn over items, results in input order, at most `window` batches in flight
    (Executor.map would read the whole input first)."""
    if pool is None:
        yield from map(fn, items)
        return
    pending: collections.deque = collections.deque()
    try:
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool as e:
        raise WorkerError(str(e) or "the pool broke") from e


def _worker_start(parent: int, lock: tuple[int, int, int] | None) -> None:
    """Pool initializer: the worker ends when the build that started it is
    gone (killed) instead of running on as an orphan; it leaves signals to
    the build (which stops it) and, when forked, closes its copy of the
    output folder's lock (`lock`: its fd, device and inode; a worker that was
    not forked has no such fd, and the number may be another file's)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if lock is not None:
        fd, dev, ino = lock
        with contextlib.suppress(OSError):
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) == (dev, ino):
                os.close(fd)

    def watch() -> None:
        build_process = multiprocessing.parent_process()    # whichever way the worker was started
        if build_process is not None:
            build_process.join()
        else:
            while os.getppid() == parent:
                time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


@contextlib.contextmanager
def local_runner(workers: int, gen: write.Generation) -> Iterator[Callable[[Callable, Iterable], Iterator]]:
    """Batches in this process, or in a pool of `workers` processes, which
    are stopped at once if the build fails or is interrupted."""
    if workers <= 1:
        yield lambda fn, items: map(fn, items)
        return
    st = os.fstat(gen.lock_fd)
    pool = ProcessPoolExecutor(workers, initializer=_worker_start,
                               initargs=(os.getpid(), (gen.lock_fd, st.st_dev, st.st_ino)))
    try:
        yield lambda fn, items: ordered_map(fn, items, pool, window=2 * workers)
    except BaseException:
        for p in list((getattr(pool, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                p.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()


def _progress(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm
    return tqdm(total=total, unit="paper", file=sys.stderr, dynamic_ncols=True)


def build(inputs: list[Path], out_dir: Path, batch_size: int | None = None, workers: int | None = 1,
          progress: bool | None = None, data_docs: bool = False, runner: Runner = local_runner,
          engine: str = "local") -> Report:
    """The tables of `inputs` as a new generation of out_dir (see
    pipeline/write.py). batch_size None: planned (see plan); workers None:
    every core. Raises NoPaperError when the inputs hold no paper, and
    OutputError, BuildInterrupted or WorkerError when the build cannot
    finish; the previous generation is then left as it was."""
    start = time.perf_counter()
    if batch_size is not None and batch_size < 1:
        raise ArgumentError(f"the batch size must be at least 1, not {batch_size}")
    if workers is not None and workers < 1:
        raise ArgumentError(f"the number of workers must be at least 1, not {workers}")
    out_dir = Path(out_dir)
    report = Report()
    files = discover(inputs, exclude=[out_dir])
    if not files:
        raise NoPaperError(inputs, ["no file to read there"])
    with write.transaction(out_dir) as gen:
        index = read_inputs(files, gen.scratch / "input.arrows", report)
        if not len(index):
            raise NoPaperError(inputs, report.why_no_paper())
        report.batch_size, report.workers = plan(len(index), workers, batch_size)
        batches = batched(stream_papers(gen.scratch / "input.arrows", index), report.batch_size)
        failed: dict[str, list[pa.Table]] = collections.defaultdict(list)
        bar = _progress(len(index), sys.stderr.isatty() if progress is None else progress)
        try:
            with runner(report.workers, gen) as run, write.TableWriters(gen.path) as writers:
                for result in run(process_batch, batches):
                    gen.check()
                    report.tally(result.extracted, result.rejected_by_table, result.problems,
                                 result.timings, result.warnings)
                    for t in TABLES:
                        writers.write(t, result.tables[t])
                    for t, rows in result.failed.items():
                        if sum(x.num_rows for x in failed[t]) < DATA_DOCS_SAMPLE:
                            failed[t].append(rows)
                    if bar:
                        bar.update(result.extracted["papers"])
        finally:
            if bar:
                bar.close()
        report.written = dict(writers.counts)
        gen.check()
        database.write(gen.path, gen.scratch)
        gen.check()
        if data_docs:
            validation.data_docs(gen.path, failed, sample_rows=DATA_DOCS_SAMPLE)
        else:
            validation.no_data_docs(gen.path)
        gen.manifest = {"built": dt.datetime.now().isoformat(timespec="seconds"), "engine": engine,
                        "inputs": [str(p) for p in inputs], "rows": report.written,
                        "data_docs": data_docs}
    if data_docs:
        report.data_docs = out_dir / write.DATA_DOCS / "index.html"
    report.seconds = time.perf_counter() - start
    return report
