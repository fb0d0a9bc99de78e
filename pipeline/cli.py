"""The command line: `paper-claims build|eval|report|query` (the same as
`python -m pipeline ...`).

Arguments are checked before any work, so a mistake costs nothing and says
how to put it right. The library raises PipelineError subclasses; this module
alone turns them into messages on stderr and exit codes:

  0    done (rows that failed validation, if any, are in rejected.parquet)
  1    the build did not do all it was asked: an input file could not be read
       (the others were built); the inputs could be read but hold no paper
       (NoPaperError: every record rejected); the output could not be
       written (OutputError: a full disk, DuckDB out of memory); another
       build writes into the same folder (BuildLockedError); SIGINT or
       SIGTERM stopped it (BuildInterrupted); a whole table failed
       validation; or an internal error. But for the first, the previous
       tables are left in place.
  2    the command line is wrong: a bad number (ArgumentError), a missing
       input, inputs none of which can be read (unknown format, binary or
       empty, a CSV without title and abstract columns, a folder of no file),
       an output folder that cannot be written, a query DuckDB refuses
  130  eval, report or query interrupted (Ctrl-C)

No traceback reaches the user; `--debug` shows it for an internal error.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from . import __version__
from .config import DEFAULT_BATCH_SIZE, MIN_BATCH_SIZE, PROCESSED, RAW, REPORTS
from .errors import ArgumentError, BuildInterrupted, InputError, NoPaperError, PipelineError

PROG = "paper-claims"


class UsageError(Exception):
    """The command line asks for something that cannot be done: exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message} (see {self.prog} --help)")


def _shown(path: Path) -> str:
    """A path as the user would write it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def _count(minimum: int):
    """An argparse type: a whole number of at least `minimum`."""
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            n = None
        if n is None or n < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number of at least {minimum}, got {text!r}")
        return n
    return parse


# ---------------------------------------------------------------- checks

def check_out_folder(out: Path, option: str = "--out") -> None:
    """An output folder must be a folder (or not exist yet) that can be written."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{option} {out}: is a file, expected a folder")
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"{option} {out}: {existing} is a file, expected a folder")
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as e:
        raise UsageError(f"{option} {out}: cannot write in {existing} ({e.strerror.lower()})") from None


def unreadable(path: Path) -> str | None:
    """Why nothing can be read from `path`, or None: it cannot be opened, its
    content is binary, empty or of no format we read, or it is a CSV without
    title and abstract columns. Reads the file up to its first record only;
    a pipe (`<(zcat x.gz)`) can be read once, so the build alone reads it.
    Bad records are not the command line's business: the build makes each
    a rejected row, and says so when no paper is left (exit 1)."""
    if not path.is_file():
        return None
    from .ingest import read_file
    records = read_file(path)
    try:
        next(records, None)
    except InputError as e:
        return str(e)
    finally:
        records.close()
    return None


def check_inputs(inputs: list[Path], out: Path) -> list[str]:
    """The input files' problems, one message each; UsageError, in the words
    of the build's NoPaperError, when no input file can be read at all.
    Files that cannot be read beside files that can are still built (their
    reason goes to rejected.parquet) and exit 1."""
    from .ingest import discover
    for p in inputs:
        if not p.exists():
            raise UsageError(f"{p}: no such file or folder")
    files = discover(inputs, exclude=[out])
    if not files:
        raise UsageError(str(NoPaperError(inputs, ["no file to read there"])))
    problems = [why for why in map(unreadable, files) if why]
    if len(problems) == len(files):
        raise UsageError(str(NoPaperError(inputs, problems)))
    return problems


def check_tables(tables: Path, hint: str | None = None) -> None:
    """`tables` must hold a build's tables."""
    from .schemas import table_path
    if not table_path(tables, "claims").exists():
        hint = hint or ("run `make`" if tables.resolve() == PROCESSED.resolve() else
                        f"build them with `{PROG} build FILES --out {_shown(tables)}`")
        raise UsageError(f"no tables in {_shown(tables)} ({hint})")


# ---------------------------------------------------------------- commands

def _cmd_build(args) -> int:
    inputs = [Path(p) for p in args.inputs] or [RAW]
    if args.out is None:
        if [p.resolve() for p in inputs] != [RAW.resolve()]:
            raise UsageError(f"--out is needed for inputs other than {_shown(RAW)}: {_shown(PROCESSED)} "
                             f"holds the tables of {_shown(RAW)}, which `make eval` scores "
                             f"(e.g. --out build/{inputs[0].stem or 'mine'})")
        args.out = PROCESSED
    out = Path(args.out)
    check_out_folder(out)
    problems = check_inputs(inputs, out)
    for why in problems:
        print(f"warning: {why}; this file is skipped (see rejected.parquet)", file=sys.stderr)
    if args.engine == "dask":
        from . import distributed
        report = distributed.build(inputs, out, batch_size=args.batch_size,
                                   workers=args.workers or os.cpu_count() or 2,
                                   scheduler=args.scheduler, data_docs=not args.no_data_docs)
    else:
        from .build import build
        report = build(inputs, out, batch_size=args.batch_size, workers=args.workers,
                       progress=False if args.no_progress else None,
                       data_docs=not args.no_data_docs)
    print(report.summary())
    for msg in report.input_errors:
        if msg not in problems:                  # those were said before the build
            print(f"error: {msg}", file=sys.stderr)
    return 1 if report.input_errors or problems else 0


def _cmd_eval(args) -> int:
    from . import evaluate
    if args.gold:
        sets = [evaluate.GoldSet(Path(args.gold).stem, Path(args.gold), Path(args.tables or PROCESSED), None)]
    else:
        names = args.set or list(evaluate.DEV_SETS)
        sets = [evaluate.DEV_SETS[n] for n in names]
        if args.tables:
            if len(sets) > 1:
                raise UsageError("--tables goes with --gold or with one --set")
            sets = [evaluate.GoldSet(sets[0].name, sets[0].gold, Path(args.tables), sets[0].inputs)]
    for s in sets:
        if not s.gold.is_file():
            raise UsageError(f"--gold {s.gold}: no such file")
        check_tables(s.tables, "`make eval` builds them" if s.inputs is not None else None)
    errors_dir = Path(args.errors_dir)
    check_out_folder(errors_dir, "--errors-dir")
    results = {}
    for s in sets:
        gold = evaluate.load_gold(s.gold)
        if s.inputs is not None and (sources := evaluate.sources(s.tables)) != evaluate.input_names(s.inputs):
            names = ", ".join(sorted(sources)[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")
            print(f"warning: {s.name}: the tables in {_shown(s.tables)} were not built from {_shown(s.inputs)} "
                  f"as it is now (their papers come from {names or 'no file'}), so these are not the {s.name} "
                  f"figures; rebuild them: `{PROG} build {_shown(s.inputs)} --out {_shown(s.tables)}`",
                  file=sys.stderr)
        if (found := evaluate.papers_found(gold, s.tables)) < len(gold):
            print(f"warning: {s.name}: only {found} of the {len(gold)} gold papers are in {_shown(s.tables)}",
                  file=sys.stderr)
        results[s.name], errors = evaluate.score_tables(gold, s.tables)
        evaluate.write_errors(errors, errors_dir / f"eval_errors_{s.name}.tsv")
    print(evaluate.side_by_side(results))
    print("errors: " + ", ".join(_shown(errors_dir / f"eval_errors_{n}.tsv") for n in results), file=sys.stderr)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if args.external:
        _outside_checks(Path(args.external), errors_dir)
    return 0


def _outside_checks(external: Path, errors_dir: Path) -> None:
    """The quantity stage on MeasEval and on quantulum3's test file (docs/evaluation.md)."""
    from . import outside
    if not (external / "measeval").is_dir() and not (external / "quantulum3").is_dir():
        raise UsageError(f"--external {external}: expected measeval/ or quantulum3/ in it")
    if (external / "measeval").is_dir():
        for k, v in outside.measeval(external / "measeval").items():
            print(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}")
    if (external / "quantulum3" / "quantities.json").exists():
        figures, misses = outside.quantulum3(external / "quantulum3" / "quantities.json")
        for k, v in figures.items():
            print(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}")
        (errors_dir / "quantulum3_misses.jsonl").write_text(
            "".join(json.dumps(m) + "\n" for m in misses), encoding="utf-8")


def _cmd_report(args) -> int:
    tables, out = Path(args.tables), Path(args.out)
    check_tables(tables)
    if out.is_dir():
        raise UsageError(f"--out {out}: is a folder, expected the name of an HTML file")
    check_out_folder(out.parent)
    from . import report
    print(report.write(tables, out))
    return 0


def _cmd_query(args) -> int:
    import duckdb
    tables = Path(args.tables)
    db = tables / "claims.duckdb"
    check_tables(tables)
    if not db.exists():
        raise UsageError(f"no claims.duckdb in {_shown(tables)} (rebuild the tables)")
    con = duckdb.connect(str(db), read_only=True)
    try:
        try:
            rel = con.sql(args.sql)
        except duckdb.Error as e:
            raise UsageError(f"the query failed: {str(e).splitlines()[0]}") from None
        if rel is None:
            return 0
        if args.format == "table":
            rel.show(max_width=shutil.get_terminal_size((120, 24)).columns, max_rows=args.max_rows,
                     max_col_width=args.max_col_width, null_value="NULL")
        elif args.format == "csv":
            import csv
            w = csv.writer(sys.stdout, lineterminator="\n")
            w.writerow(rel.columns)
            w.writerows(rel.fetchall())
        else:
            for row in rel.fetchall():
                print(json.dumps(dict(zip(rel.columns, row)), default=str, ensure_ascii=False))
    finally:
        con.close()
    return 0


# ---------------------------------------------------------------- parser

def parser() -> argparse.ArgumentParser:
    debug = _Parser(add_help=False)
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="show the traceback of an internal error")
    p = _Parser(prog=PROG, parents=[debug],
                description="Quantitative claims of ML paper abstracts as validated Parquet tables. "
                            "Documentation: docs/ in the repository.",
                epilog="Exit status: 0 done; 1 the build did not do all it was asked (an input "
                       "could not be read, no paper in the inputs, the output could not be written, "
                       "another build writes there, interrupted; see the message); 2 the command "
                       "line is wrong.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", parents=[debug], help="read abstracts, write the tables",
                       description="Read listing dumps (.txt), JSON lines or arrays (.jsonl, .json, "
                                   ".ndjson) or CSV files (.csv, .tsv), also compressed (.gz, .bz2, "
                                   ".xz), folders of them or pipes, and write the papers, claims, "
                                   "quantities, hardware, comparisons and rejected tables, claims.duckdb "
                                   "and the data docs, as one transaction. See docs/inputs.md.")
    b.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="files or folders (default: data/raw, into data/processed)")
    b.add_argument("--out", default=None, metavar="FOLDER",
                   help="output folder; needed for any input but data/raw, whose tables are data/processed")
    b.add_argument("--batch-size", type=_count(1), default=None, metavar="N",
                   help=f"papers per batch (default {DEFAULT_BATCH_SIZE:,}, fewer when that would leave "
                        f"workers idle, at least {MIN_BATCH_SIZE})")
    b.add_argument("--workers", type=_count(1), default=None, metavar="N",
                   help=f"worker processes (default: every core, {os.cpu_count()} here; never more "
                        f"than there are batches)")
    b.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local: this machine (default); dask: the batches on a Dask cluster, the "
                        "same output")
    b.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="with --engine dask: a scheduler address (default: start a local cluster)")
    b.add_argument("--no-progress", action="store_true", help="no progress bar")
    b.add_argument("--no-data-docs", action="store_true",
                   help="skip the great-expectations data docs (HTML) in OUT/data_docs")
    b.set_defaults(func=_cmd_build)

    e = sub.add_parser("eval", parents=[debug], help="score the tables against gold claims",
                       description="Score built tables against hand-checked gold claims "
                                   "(docs/evaluation.md). Without --gold: the dev sets, side by side: "
                                   "dev (data/processed) and dev2 (build/dev2, built by `make eval`).")
    e.add_argument("--set", action="append", choices=("dev", "dev2"), help="one dev set only (repeatable)")
    e.add_argument("--gold", default=None, metavar="FILE", help="a gold file of your own (JSON lines)")
    e.add_argument("--tables", default=None, metavar="FOLDER",
                   help="the tables to score (default: those of the set; data/processed with --gold)")
    e.add_argument("--errors-dir", default=str(REPORTS), metavar="FOLDER",
                   help="where eval_errors_<set>.tsv is written, one error a line (default: reports)")
    e.add_argument("--json", default=None, metavar="FILE", help="also write the figures as JSON")
    e.add_argument("--external", default=None, metavar="FOLDER",
                   help="a folder with measeval/ and quantulum3/: also run the outside checks of "
                        "the quantity stage")
    e.set_defaults(func=_cmd_eval)

    r = sub.add_parser("report", parents=[debug], help="an HTML page of plots and a searchable table",
                       description="Write a self-contained HTML report of the tables.")
    r.add_argument("--tables", default=str(PROCESSED), metavar="FOLDER", help="default: data/processed")
    r.add_argument("--out", default=str(REPORTS / "claims.html"), metavar="FILE",
                   help="default: reports/claims.html")
    r.set_defaults(func=_cmd_report)

    q = sub.add_parser("query", parents=[debug], help="run SQL on the tables (DuckDB)",
                       description="Run one SQL statement on the tables: papers, claims, quantities, "
                                   "hardware, comparisons, rejected, and the views of docs/tables.md. "
                                   "Example: paper-claims query \"select claim_type, count(*) from "
                                   "claims group by 1\"")
    q.add_argument("sql", metavar="SQL")
    q.add_argument("--tables", default=str(PROCESSED), metavar="FOLDER", help="default: data/processed")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help="table (default), csv, or json (one object a line)")
    q.add_argument("--max-rows", type=_count(1), default=40, metavar="N",
                   help="rows shown in a table (default 40; csv and json print every row)")
    q.add_argument("--max-col-width", type=_count(4), default=60, metavar="N",
                   help="characters shown of a column in a table (default 60)")
    q.set_defaults(func=_cmd_query)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    command = next((a for a in argv if not a.startswith("-")), None)    # top-level options take no value
    try:
        args = parser().parse_args(argv)
        return args.func(args)
    except (UsageError, ArgumentError) as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except PipelineError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:       # Ctrl-C outside a build's transaction, which raises BuildInterrupted
        if command == "build":      # checking the arguments: the same as during the build
            print(f"error: {BuildInterrupted('SIGINT')}", file=sys.stderr)
            return 1
        print("interrupted; tables that were being written are left as they were", file=sys.stderr)
        return 130
    except BrokenPipeError:                      # `paper-claims query ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:  # noqa: BLE001 - the one place that turns every error into a message
        if debug:
            raise
        if isinstance(e, OSError) and e.strerror:
            where = f"{e.filename}: " if e.filename else ""
            print(f"error: {where}{e.strerror.lower()}", file=sys.stderr)
            return 1
        print(f"error: an internal error ({type(e).__name__}: {e}); please report it with the command "
              f"you ran (add --debug to see where it happened)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
