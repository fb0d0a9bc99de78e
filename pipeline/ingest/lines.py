"""Lines of a raw input, decoded one at a time and bounded in length, for
every format's parser (pipeline/ingest/)."""
from __future__ import annotations

import codecs
from typing import IO

from ..config import MAX_RECORD_BYTES
from ..records import Problem


class RecordTooLong(Exception):
    """Raised by LineReader in place of a line longer than its limit; the
    reader goes on with the next line."""

    def __init__(self, line: int, size: int):
        super().__init__(f"a record of {size:,} bytes, more than {MAX_RECORD_BYTES:,}; not read")
        self.line, self.size = line, size


class LineReader:
    """The lines of a binary stream, decoded one at a time, so memory does not
    grow with the file. A line longer than `limit` bytes is skipped unread and
    raises RecordTooLong in its place (iteration can go on: csv.reader calls
    it again). A UTF-8 BOM is dropped; invalid UTF-8 is replaced by U+FFFD
    and noted in `problems`."""

    def __init__(self, stream: IO[bytes], source: str, limit: int = MAX_RECORD_BYTES):
        self._stream, self.source, self._limit = stream, source, limit
        self.line_no = 0
        self.problems: list[Problem] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        raw = self._stream.readline(self._limit + 1)
        if not raw:
            raise StopIteration
        self.line_no += 1
        if len(raw) > self._limit and not raw.endswith(b"\n"):
            size = len(raw)
            while chunk := self._stream.readline(1 << 20):
                size += len(chunk)
                if chunk.endswith(b"\n"):
                    size -= 1
                    break
            raise RecordTooLong(self.line_no, size)
        if self.line_no == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[3:]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            self.problems.append(Problem(self.source, self.line_no, "papers",
                                         f"invalid UTF-8 at byte {e.start} of the line; replaced by U+FFFD", ""))
            return raw.decode("utf-8", errors="replace")

    def take_problems(self) -> list[Problem]:
        out, self.problems = self.problems, []
        return out
