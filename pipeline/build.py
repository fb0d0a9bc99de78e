"""The build: raw files -> validated Parquet tables, streamed in batches.

Two passes over the input. The first reads only titles, to know every
source file of every paper (the same paper in several dumps is one row).
The second streams papers in bounded batches through `process_batch`, a
pure function of one batch, and writes each batch's rows as a row group.
`process_batch` runs in this process or in a pool of worker processes;
results are consumed in input order, so the output does not depend on the
number of workers.
"""
from __future__ import annotations

import array
import collections
import contextlib
import gc
import itertools
import math
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
import pyarrow as pa

from . import compare, database
from . import validate as validation
from .config import DEFAULT_BATCH_SIZE, MIN_BATCH_SIZE
from .errors import InputError, TableValidationError
from .extract import extract
from .identity import paper_id
from .ingest import discover, read_file
from .records import Paper, Problem, RawPaper
from .rules import default as default_rules
from .schemas import TABLES, to_arrow
from .write import TableWriters

STAGES = ("extract", "validate")


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


@dataclass
class Report:
    papers_seen: int = 0
    extracted: dict[str, int] = field(default_factory=lambda: {t: 0 for t in TABLES})
    written: dict[str, int] = field(default_factory=lambda: {t: 0 for t in TABLES})
    rejected: dict[str, int] = field(default_factory=dict)
    input_errors: list[str] = field(default_factory=list)
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

    def require_papers(self, inputs) -> None:
        if self.papers_seen == 0:
            raise TableValidationError("papers", "expect_table_row_count_to_be_between",
                                       f"no paper in {', '.join(map(str, inputs))}")

    def summary(self) -> str:
        lines = [f"{'table':<12}{'extracted':>10}{'written':>10}{'rejected':>10}"]
        for t in ("papers", "claims", "quantities", "hardware"):
            lines.append(f"{t:<12}{self.extracted[t]:>10}{self.written[t]:>10}"
                         f"{self.rejected.get(t, 0):>10}")
        lines.append(f"comparisons.parquet: {self.written['comparisons']} rows; "
                     f"tables and views also in claims.duckdb")
        lines.append(f"rejected.parquet: {self.written['rejected']} rows "
                     f"({self.rejected.get('input', 0)} of input that could not be read or extracted)")
        for name, n in sorted(self.warnings.items()):
            lines.append(f"warning: {n} rows fail {name} (kept)")
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
    """Extract and validate one batch: a pure function, safe to run anywhere."""
    papers = batch.papers
    rules = default_rules()        # loaded once per process
    t0 = time.perf_counter()
    rows = {t: [] for t in TABLES}
    rows["papers"] = [p.row() for p in papers]
    extraction_problems: list[dict] = []
    with _no_cycle_collection():
        for p in papers:
            ex = extract(p, rules)
            extraction_problems.extend({**_problem_row(pr), "paper_id": p.paper_id} for pr in ex.problems)
            rows["claims"].extend(c.row() for c in ex.claims)
            rows["quantities"].extend(q.row() for q in ex.quantities)
            rows["hardware"].extend(h.row() for h in ex.hardware)
    t1 = time.perf_counter()
    extracted = {t: len(rows[t]) for t in TABLES}
    abstracts = {p.paper_id: p.abstract for p in papers}
    warnings: dict[str, int] = {}
    tables: dict[str, pa.Table] = {}
    for table in validation.VALIDATED if papers else ():
        outcome = validation.validate(table, rows[table], abstracts)
        rows[table], tables[table] = outcome.good, outcome.table
        rows["rejected"].extend(outcome.rejected)
        for k, v in outcome.warnings.items():
            warnings[f"{table}.{k}"] = warnings.get(f"{table}.{k}", 0) + v
    rows["comparisons"] = compare.comparisons(rows["claims"])   # of validated claims only
    rejected_by_table = dict(collections.Counter(r["table"] for r in rows["rejected"]))
    rows["rejected"] = _in_input_order(batch, rows["rejected"], extraction_problems)
    problems = len(batch.problems) + len(extraction_problems)
    for t in TABLES:
        if tables.get(t) is None:
            tables[t] = to_arrow(t, rows[t])
    t2 = time.perf_counter()
    return BatchResult(tables, extracted, {"extract": t1 - t0, "validate": t2 - t1}, warnings,
                       rejected_by_table, problems)


def _in_input_order(batch: Batch, failed: list[dict], extraction_problems: list[dict]) -> list[dict]:
    """The batch's rejected rows in the order of the input: an input problem
    where it was met, then for each paper its rows that failed validation
    (table by table, in row order) and its extraction problems. Batches are
    consecutive pieces of the input, so the rejected table comes out the
    same whatever the batch size, and so whatever the number of workers."""
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

    Every id of the first pass is held as an 8-byte integer with a 4-byte
    file number (12 MB for a million papers) until `seal()`, which keeps
    only the repeated ones as strings; a dict of every id would hold ~200 MB
    per million papers for the whole build.

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


def index_sources(files: list[Path], errors: list[str]) -> tuple[SourceIndex, set[Path]]:
    """First pass: every paper's source files, and the files that cannot be read."""
    index = SourceIndex([f.name for f in files])
    bad: set[Path] = set()
    for i, f in enumerate(files):
        try:
            for rec in read_file(f):
                if isinstance(rec, RawPaper):
                    index.add(paper_id(rec.title), i)
        except InputError as e:
            errors.append(str(e))
            bad.add(f)
    index.seal()
    return index, bad


def stream_papers(files: list[Path], index: SourceIndex) -> Iterator[Paper | dict]:
    """Second pass: each paper once, at its first occurrence, with all its
    sources; and, in input order, a rejected row for each input problem."""
    seen: dict[str, int] = {}      # only for ids met more than once
    for f in files:
        for rec in read_file(f):
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
                            rec.abstract[:2000]))
                    continue
                seen[pid] = hash(rec.abstract)
            yield Paper(pid, rec.title, rec.abstract, index.sources(pid) or [rec.source],
                        rec.published, rec.published_text, rec.n_authors, rec.external_id)


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
    return batch_size, max(1, min(workers, math.ceil(n_papers / batch_size)))


def input_batches(inputs: list[Path], batch_size: int | None, report: Report,
                  workers: int | None = 1) -> tuple[Iterator[Batch], int, int]:
    """The papers of the inputs in bounded batches, how many papers there are
    and how many workers to run (see plan); files that cannot be read at all
    are noted in `report` and come first as rejected rows."""
    files = discover(inputs)
    index, bad = index_sources(files, report.input_errors)
    unreadable = [{"table": "papers", "source": m.split(":")[0], "line": None,
                   "paper_id": None, "reason": m, "row": ""} for m in report.input_errors]
    papers = stream_papers([f for f in files if f not in bad], index)
    report.batch_size, report.workers = plan(len(index), workers, batch_size)
    return batched(itertools.chain(unreadable, papers), report.batch_size), len(index), report.workers


def batched(items: Iterable[Paper | dict], size: int) -> Iterator[Batch]:
    """Bounded batches of papers; problem rows travel with the batch they were met in."""
    batch = Batch([])
    for item in items:
        if isinstance(item, Paper):
            batch.papers.append(item)
            if len(batch.papers) == size:
                yield batch
                batch = Batch([])
        else:
            batch.problems.append(item)
            batch.problems_at.append(len(batch.papers))
    if batch.papers or batch.problems:
        yield batch


def ordered_map(fn: Callable, items: Iterable, pool: ProcessPoolExecutor | None,
                window: int) -> Iterator:
    """fn over items, results in input order, at most `window` batches in flight
    (Executor.map would read the whole input first)."""
    if pool is None:
        yield from map(fn, items)
        return
    pending: collections.deque = collections.deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _exit_with_parent(parent: int) -> None:
    """Pool initializer: a worker process ends when the build that started it
    is gone (killed), instead of running on as an orphan."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _progress(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm
    return tqdm(total=total, unit="paper", file=sys.stderr, dynamic_ncols=True)


def build(inputs: list[Path], out_dir: Path, batch_size: int | None = None, workers: int | None = 1,
          progress: bool | None = None, data_docs: bool = False) -> Report:
    """The tables of `inputs` in out_dir. batch_size None: planned (see plan);
    workers None: every core."""
    start = time.perf_counter()
    report = Report()
    batches, n_papers, workers = input_batches(inputs, batch_size, report, workers)
    bar = _progress(n_papers, sys.stderr.isatty() if progress is None else progress)
    pool = ProcessPoolExecutor(workers, initializer=_exit_with_parent, initargs=(os.getpid(),)) \
        if workers > 1 else None
    try:
        results = ordered_map(process_batch, batches, pool, window=2 * workers)
        with TableWriters(out_dir) as writers:
            for result in results:
                report.tally(result.extracted, result.rejected_by_table, result.problems,
                             result.timings, result.warnings)
                for t in TABLES:
                    writers.write(t, result.tables[t])
                if bar:
                    bar.update(result.extracted["papers"])
            report.require_papers(inputs)
            report.written = dict(writers.counts)
    finally:
        if pool:
            pool.shutdown()
        if bar:
            bar.close()
    database.write(Path(out_dir))
    if data_docs:
        report.data_docs = validation.data_docs(Path(out_dir))
    report.seconds = time.perf_counter() - start
    return report
