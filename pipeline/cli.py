"""Command line: `python -m pipeline build|eval ...`.

The library raises PipelineError subclasses; this module alone turns them
into messages on stderr and exit codes:
  0  the build completed (rejected rows, if any, are in rejected.parquet)
  1  an input file could not be read at all, or a table failed validation
     (then no table was replaced)
  2  the command line is wrong
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .config import DEFAULT_BATCH_SIZE, MIN_BATCH_SIZE, GOLD_DEV, PROCESSED, RAW, REPORTS, ROOT
from .errors import PipelineError
from .schemas import table_path


def _cmd_build(args) -> int:
    inputs = [Path(p) for p in args.inputs or [RAW]]
    if args.engine == "dask":
        from . import distributed
        report = distributed.build(inputs, Path(args.out), batch_size=args.batch_size,
                                   workers=args.workers or os.cpu_count() or 2,
                                   scheduler=args.scheduler, data_docs=not args.no_data_docs)
    else:
        from .build import build
        report = build(inputs, Path(args.out), batch_size=args.batch_size, workers=args.workers,
                       progress=False if args.no_progress else None,
                       data_docs=not args.no_data_docs)
    print(report.summary())
    for msg in report.input_errors:
        print(f"error: {msg}", file=sys.stderr)
    return 1 if report.input_errors else 0


def _cmd_eval(args) -> int:
    import pyarrow.parquet as pq

    from . import evaluate
    gold = evaluate.load_gold(Path(args.gold))
    tables = Path(args.tables)
    preds = pq.read_table(table_path(tables, "claims")).to_pylist()
    hw = pq.read_table(table_path(tables, "hardware")).to_pylist()
    res, errors = evaluate.score(gold, preds, hw)
    evaluate.write_errors(errors, Path(args.errors))
    print(evaluate.format_figures(res))
    print(f"errors written to {args.errors}", file=sys.stderr)
    external = Path(args.external)
    if (external / "measeval").is_dir():
        from . import outside
        for k, v in outside.measeval(external / "measeval").items():
            print(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}")
    if (external / "quantulum3" / "quantities.json").exists():
        from . import outside
        figures, misses = outside.quantulum3(external / "quantulum3" / "quantities.json")
        for k, v in figures.items():
            print(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}")
        miss_path = Path(args.errors).with_name("quantulum3_misses.jsonl")
        miss_path.write_text("".join(json.dumps(m) + "\n" for m in misses), encoding="utf-8")
    if args.min_typed_f1 is not None and res["typed_f1"] < args.min_typed_f1:
        print(f"typed_f1 {res['typed_f1']:.3f} is below the floor {args.min_typed_f1}", file=sys.stderr)
        return 1
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline",
                                description="Quantitative claims of ML paper abstracts as Parquet tables.")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="raw files -> data/processed/*.parquet",
                       description="Read listing dumps, JSONL or CSV files (or folders of them) and "
                                   "write papers, claims, quantities, hardware and rejected tables.")
    b.add_argument("inputs", nargs="*", help=f"files or folders (default: {RAW.relative_to(RAW.parents[1])})")
    b.add_argument("--out", default=str(PROCESSED), help="output folder (default: data/processed)")
    b.add_argument("--batch-size", type=int, default=None,
                   help=f"papers per batch (default {DEFAULT_BATCH_SIZE:,}, fewer when that would leave "
                        f"workers idle, at least {MIN_BATCH_SIZE})")
    b.add_argument("--workers", type=int, default=None,
                   help=f"worker processes (default: every core, {os.cpu_count()} here; never more "
                        f"than there are batches)")
    b.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local: this machine (default); dask: a Dask cluster, partitioned output")
    b.add_argument("--scheduler", default=None,
                   help="with --engine dask: a scheduler address (default: start a local cluster)")
    b.add_argument("--no-progress", action="store_true", help="no progress bar")
    b.add_argument("--no-data-docs", action="store_true",
                   help="skip the great-expectations data docs (HTML) in OUT/data_docs")
    b.set_defaults(func=_cmd_build)
    e = sub.add_parser("eval", help="score the tables against gold claims (spec section 7)")
    e.add_argument("--gold", default=str(GOLD_DEV))
    e.add_argument("--tables", default=str(PROCESSED))
    e.add_argument("--errors", default=str(REPORTS / "eval_errors.tsv"),
                   help="where every error is written, one per line")
    e.add_argument("--external", default=str(ROOT.parent / "shared" / "external"),
                   help="folder with measeval/ and quantulum3/ for the outside checks of the quantity stage")
    e.add_argument("--min-typed-f1", type=float, default=None,
                   help="exit 1 when typed F1 is below this floor")
    e.set_defaults(func=_cmd_eval)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except PipelineError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
