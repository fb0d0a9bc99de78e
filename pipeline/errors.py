"""One catalogue of the project's errors.

Library code raises these; only the CLI turns them into messages and exit
codes. Every message names the file, the line where there is one, and what
was expected.
"""


class PipelineError(Exception):
    """Base class of every error the pipeline raises on purpose."""


class InputError(PipelineError):
    """A raw input file, or one line of it, is not what its format promises."""

    def __init__(self, path, line, expected, found=""):
        self.path, self.line, self.expected, self.found = str(path), line, expected, found
        where = f"{self.path}:{line}" if line else self.path
        msg = f"{where}: expected {expected}"
        if found:
            msg += f", found {found}"
        super().__init__(msg)


class UnknownFormatError(InputError):
    """A file whose format is neither a listing dump, JSON lines nor CSV."""

    def __init__(self, path, found=""):
        super().__init__(path, None, "a listing dump (.txt), JSON lines (.jsonl) or CSV (.csv) "
                         "with 'title' and 'abstract'", found)


class ResourceError(PipelineError):
    """A resource file under pipeline/resources or schemas/ is malformed."""

    def __init__(self, path, line, expected):
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: expected {expected}")


class TableValidationError(PipelineError):
    """A whole table failed an expectation: nothing is written for this build."""

    def __init__(self, table, expectation, detail, path=""):
        self.table, self.expectation = table, expectation
        super().__init__(f"table {table!r}{' (' + str(path) + ')' if path else ''} failed "
                         f"{expectation}: {detail}; previous tables left in place")
