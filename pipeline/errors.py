"""One catalogue of the project's errors.

Library code raises these; only the CLI turns them into messages and exit
codes. Every message names the file, the line where there is one, and what
was expected, in words a user who never read the code understands.
"""

FORMATS = ("formats: .txt listing dumps, .jsonl / .ndjson JSON lines, .json (JSON lines or one array), "
           ".csv / .tsv with title and abstract columns, and any of these compressed as .gz, .bz2 or .xz")
KEPT = "the previous tables are left in place"


class PipelineError(Exception):
    """Base class of every error the pipeline raises on purpose."""


class InputError(PipelineError):
    """A raw input file, or one line of it, is not what its format promises."""

    def __init__(self, path, line, expected, found="", *, message: str | None = None):
        self.path, self.line, self.expected, self.found = str(path), line, expected, found
        where = f"{self.path}:{line}" if line else self.path
        msg = f"{where}: expected {expected}"
        if found:
            msg += f", found {found}"
        super().__init__(message or msg)


class UnknownFormatError(InputError):
    """A file whose format is none of the formats read (ingest.FORMATS)."""

    def __init__(self, path, found=""):
        super().__init__(path, None, FORMATS, found, message=f"{path}: not a format we read"
                         f"{' (' + found + ')' if found else ''}; {FORMATS}")


class MissingColumnError(InputError):
    """A CSV file whose header lacks the title or the abstract column."""

    def __init__(self, path, missing: str, columns: list[str]):
        found = ", ".join(columns) if columns else "none"
        super().__init__(path, 1, f"a {missing} column", found,
                         message=f"{path}: has no {missing} column (columns found: {found})")


class OutputError(PipelineError):
    """The output folder cannot be written (a file, read-only, full disk,
    DuckDB out of memory): the build stops and the previous tables stay."""

    def __init__(self, path, problem: str, *, keeps_previous: bool = True):
        self.path = str(path)
        super().__init__(f"{path}: {problem}" + (f"; {KEPT}" if keeps_previous else ""))


class BuildLockedError(OutputError):
    """Another build is writing into the same output folder."""

    def __init__(self, path, holder: str):
        super().__init__(path, f"another build is writing here{' (' + holder + ')' if holder else ''}; "
                               f"wait for it to finish or build into another --out", keeps_previous=False)


class BuildInterrupted(PipelineError):
    """The build received SIGINT or SIGTERM: it stopped and cleaned up."""

    def __init__(self, signame: str):
        self.signal = signame
        super().__init__(f"build interrupted by {signame}; {KEPT}")


class WorkerError(PipelineError):
    """A worker process ended without a result (killed, or out of memory)."""

    def __init__(self, detail: str):
        super().__init__(f"a worker process ended before its batch was done ({detail}); {KEPT}")


class ArgumentError(PipelineError):
    """A build argument out of range (the CLI checks these too)."""


class ResourceError(PipelineError):
    """A resource file under pipeline/resources or schemas/ is malformed."""

    def __init__(self, path, line, expected):
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: expected {expected}")


class TableValidationError(PipelineError):
    """A whole table failed an expectation: nothing is written for this build."""

    def __init__(self, table, expectation, detail, path="", *, message: str | None = None):
        self.table, self.expectation = table, expectation
        super().__init__(message or f"table {table!r}{' (' + str(path) + ')' if path else ''} failed "
                                    f"{expectation}: {detail}; {KEPT}")


class NoPaperError(TableValidationError):
    """A build found no paper at all in its inputs (the papers table would be
    empty): nothing is written, and the message says why in plain words."""

    def __init__(self, inputs, reasons: list[str]):
        self.inputs, self.reasons = [str(p) for p in inputs], reasons
        where = ", ".join(self.inputs) or "the inputs given"
        why = "; ".join(reasons) if reasons else "no entry could be read"
        super().__init__("papers", "expect_table_row_count_to_be_between", why,
                         message=f"no papers found in {where}: {why}")
