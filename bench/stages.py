"""Where the time of a build goes, as a user runs it:

    python -m bench.stages CORPUS OUT [--workers K]

runs `paper-claims build CORPUS --out OUT` in this process (pipeline.cli.main,
data docs and all) with a timer around each stage (PARTS) and prints one JSON
line: the seconds spent in each part itself (not in the parts it calls), the
imports before the build, and the rest ("other": the command line's checks,
the transaction, the interpreter's start is not counted). Timers cost about
a microsecond a call, some fifteen calls an abstract (~1-2% of extraction).
For the parts that are not per abstract it also says by how much each raised
the process's peak RSS (ru_maxrss): where the peak memory is made.

With --workers 1 every stage runs here. With more, the batches run in worker
processes, whose timers are lost; what is left is the parent's own time, and
"waiting for workers" (Future.result) is the time it had nothing to do.
"""
from __future__ import annotations

import time

_START = time.perf_counter()

import functools  # noqa: E402 - the imports are timed from _START
import importlib  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402

# (module, attribute - a function, or Class.method -, label). Parts with the
# same label add up. A part the code no longer has is left out (and named).
PARTS = (
    ("pipeline.build", "read_inputs", "read input (one pass, spill)"),
    ("pipeline.build", "process_batch", "batch glue (rows of records)"),
    ("pipeline.build", "default_rules", "load rules (once a process)"),
    ("pipeline.build", "extract", "extract glue (quoting)"),
    ("pipeline.find", "document", "find: glue"),
    ("pipeline.find.reading", "reading_copy", "find: reading copy"),
    ("pipeline.gazetteer", "Scanner.places", "find: gazetteer scan (places)"),
    ("pipeline.find", "_hits", "find: gazetteer entries"),
    ("pipeline.find.sentences", "split", "find: sentences"),
    ("pipeline.find.quantities", "find", "find: quantities"),
    ("pipeline.find.devices", "find", "find: devices"),
    ("pipeline.find.devices", "device_counts", "find: devices"),
    ("pipeline.find.benchmarks", "find", "find: open benchmarks"),
    ("pipeline.decide", "claims", "decide: glue"),
    ("pipeline.decide", "classify", "decide: claims (classify)"),
    ("pipeline.decide.attributes", "attach", "decide: attributes"),
    ("pipeline.decide.hardware", "platform", "decide: platform"),
    ("pipeline.decide.normalize", "claim", "decide: normalize (SI)"),
    ("pipeline.decide.normalize", "quantity", "decide: normalize (SI)"),
    ("pipeline.validate", "validate", "validate (per batch)"),
    ("pipeline.compare", "comparisons", "comparisons"),
    ("pipeline.build", "to_arrow", "to Arrow"),
    ("pipeline.build", "to_arrow_fitting", "to Arrow"),
    ("pipeline.write", "TableWriters.write", "write Parquet"),
    ("pipeline.write", "TableWriters.close", "write Parquet"),
    ("pipeline.database", "write", "claims.duckdb"),
    ("pipeline.validate", "data_docs", "data docs (great-expectations)"),
    ("pipeline.validate", "no_data_docs", "data docs (great-expectations)"),
    ("pipeline.write", "_seal", "seal + switch (fsync)"),
    ("pipeline.write", "_switch", "seal + switch (fsync)"),
    ("concurrent.futures", "Future.result", "waiting for workers"),
)
EXTRACTION = ("extract", "find:", "decide:")     # the labels of per-abstract extraction


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Timers:
    """Exclusive seconds per label: a timed call's time less that of the
    timed calls inside it. For the parts that are not per abstract, also
    how much the process's peak RSS rose during the call (less the rises
    inside it): where the peak is made."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.peak_rise_kb: dict[str, int] = defaultdict(int)
        self.calls: Counter = Counter()
        self._inner = [0.0]
        self._inner_rise = [0]

    def wrap(self, label: str, fn):
        inner, seconds, calls, clock = self._inner, self.seconds, self.calls, time.perf_counter
        inner_rise, rises = self._inner_rise, self.peak_rise_kb
        per_abstract = label.startswith(EXTRACTION)

        @functools.wraps(fn)
        def timed(*args, **kwargs):
            inner.append(0.0)
            if not per_abstract:
                inner_rise.append(0)
                peak = _peak_kb()
            t = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                dt = clock() - t
                seconds[label] += dt - inner.pop()
                inner[-1] += dt
                calls[label] += 1
                if not per_abstract:
                    rise = _peak_kb() - peak
                    rises[label] += rise - inner_rise.pop()
                    inner_rise[-1] += rise
        return timed


def install(timers: Timers) -> list[str]:
    """Wrap every part of PARTS; the parts not found."""
    missing = []
    for module, attr, label in PARTS:
        try:
            owner = importlib.import_module(module)
            *path, name = attr.split(".")
            for p in path:
                owner = getattr(owner, p)
            setattr(owner, name, timers.wrap(label, getattr(owner, name)))
        except (ImportError, AttributeError):
            missing.append(f"{module}.{attr}")
    return missing


def main(argv: list[str]) -> dict:
    corpus, out, *flags = argv
    timers = Timers()
    import pipeline.build  # noqa: F401 - what `build` imports, timed as the imports
    import pipeline.cli
    missing = install(timers)
    imported, imported_kb = time.perf_counter(), _peak_kb()
    code = pipeline.cli.main(["build", corpus, "--out", out, "--no-progress", *flags])
    end = time.perf_counter()
    parts = {"imports": imported - _START, **timers.seconds}
    parts["other (checks, transaction, ...)"] = (end - _START) - sum(parts.values())
    rises = {"imports": imported_kb, **timers.peak_rise_kb}
    rises["other (checks, transaction, ...)"] = _peak_kb() - sum(rises.values())
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"exit": code, "wall": end - _START, "parts": parts, "calls": dict(timers.calls),
            "peak_rise_mb": {k: round(v / 1024, 1) for k, v in rises.items() if v},
            "missing": missing, "cpu_self": me.ru_utime + me.ru_stime,
            "cpu_children": kids.ru_utime + kids.ru_stime, "peak_mb": me.ru_maxrss / 1024}


if __name__ == "__main__":
    result = main(sys.argv[1:])
    print(json.dumps(result))
