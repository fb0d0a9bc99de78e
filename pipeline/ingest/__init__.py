"""Ingest: raw files in, RawPaper (or Problem) records out, each file read
once, streamed, so a named pipe or `<(zcat x.gz)` is an input like a file.

The format is chosen by name (FORMATS, under a compression suffix of
COMPRESSION), else by the first characters; a file of no known format
raises UnknownFormatError naming the formats read. Every record is checked
at this edge: one that is too long, too deeply nested, or has a value that
does not fit its column becomes a Problem (a rejected row with its reason)
and the file goes on; a file that cannot be opened or read raises InputError.
"""
from __future__ import annotations

import bz2
import codecs
import contextlib
import datetime as dt
import gzip
import io
import lzma
import os
import stat
import zlib
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..config import REJECTED_RAW_CHARS
from ..errors import InputError, UnknownFormatError
from ..records import Problem, RawPaper
from .lines import LineReader
from .listing import parse_listing
from .tabular import parse_csv, parse_json, parse_jsonl

PARSERS = {"listing": parse_listing, "jsonl": parse_jsonl, "json": parse_json, "csv": parse_csv}
FORMATS = {".txt": "listing", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv",
           ".tsv": "csv"}
COMPRESSION = {".gz": lambda f: gzip.GzipFile(fileobj=f, mode="rb"), ".bz2": bz2.BZ2File, ".xz": lzma.LZMAFile}
INT32_MAX = 2**31 - 1
_READ_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError)


def discover(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> list[Path]:
    """Files named, and the files of folders named and of their subfolders,
    in a stable order (sorted by path within each folder). Hidden files and
    folders (a leading dot) and the folders in `exclude` (the build's output)
    are skipped; a pipe or device is read only when named."""
    skip = {Path(p).resolve() for p in exclude}
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and Path(root, d).resolve() not in skip)
                out.extend(Path(root, f) for f in sorted(files)
                           if not f.startswith(".") and Path(root, f).is_file())
        elif p.exists():
            out.append(p)
        else:
            raise InputError(p, None, "an existing file or folder")
    return out


class _Prefixed(io.RawIOBase):
    """A stream whose first bytes were already read (to sniff the format):
    they are served again, then the rest, so nothing is read twice."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self._head, self._rest = memoryview(head), rest

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if len(self._head):
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        return self._rest.readinto(b)


def _reason(e: BaseException) -> str:
    if isinstance(e, OSError) and e.strerror:
        return e.strerror.lower()
    return str(e) or type(e).__name__


@contextlib.contextmanager
def _opened(path: Path, compression) -> Iterator[tuple[bytes, IO[bytes]]]:
    """(its first 8 KiB, the whole stream from its start) of a file opened once."""
    try:
        f = open(path, "rb")
    except OSError as e:
        raise InputError(path, None, "a file that can be read", _reason(e)) from e
    with f:
        if stat.S_ISDIR(os.fstat(f.fileno()).st_mode):
            raise InputError(path, None, "a file", "a folder")
        stream = compression(f) if compression else f
        try:
            head = stream.read(8192)
        except _READ_ERRORS as e:
            raise InputError(path, None, "a file that can be read", _reason(e)) from e
        yield head, io.BufferedReader(_Prefixed(head, stream), buffer_size=1 << 16)


def _is_binary(head: bytes) -> bool:
    """NUL bytes in text that is not UTF-8: a binary file (a stray NUL in a
    text line is that line's problem, not the file's)."""
    if b"\x00" not in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return False
    except UnicodeDecodeError:
        return True


def sniff(path: Path, head: str) -> str:
    """The format of a file, by name (under its compression suffix), else by
    its first characters (a pipe has no name to go by)."""
    name = Path(path.stem) if path.suffix.lower() in COMPRESSION else path
    kind = FORMATS.get(name.suffix.lower())
    if kind:
        return kind
    head = head.lstrip()
    if head.startswith("{"):
        return "jsonl"
    if head.startswith("["):
        return "json"
    first = head.splitlines()[0].lower() if head else ""
    if "title" in first and "abstract" in first and any(d in first for d in ",;\t"):
        return "csv"
    raise UnknownFormatError(path, f"{name.suffix} files are not read" if name.suffix
                             else f"content starting {head[:40]!r}")


def read_file(path: Path) -> Iterator[RawPaper | Problem]:
    """Every entry of one file, streamed, each checked (check_record). Whole-
    file problems are raised as InputError (records already yielded stay
    read); record problems are yielded as Problem records in file order."""
    path = Path(path)
    with _opened(path, COMPRESSION.get(path.suffix.lower())) as (head_bytes, stream):
        if _is_binary(head_bytes):
            raise UnknownFormatError(path, "binary content, NUL bytes")
        head = head_bytes.decode("utf-8", errors="replace").lstrip("\ufeff")
        if not head.strip():
            raise InputError(path, None, "at least one entry", "an empty file")
        kind = sniff(path, head)
        lines = LineReader(stream, path.name)
        try:
            for rec in PARSERS[kind](lines, path.name):
                yield from lines.take_problems()
                yield check_record(rec) if isinstance(rec, RawPaper) else rec
            yield from lines.take_problems()
        except _READ_ERRORS as e:
            raise InputError(path, lines.line_no or None, "a file that can be read to its end",
                             _reason(e)) from e


def check_record(rec: RawPaper) -> RawPaper | Problem:
    """The record if every field fits its column of papers.parquet, else a
    Problem naming the field (the parsers convert; this is the last guard)."""
    def bad(reason: str) -> Problem:
        return Problem(rec.source, rec.line, "papers", reason, rec.title[:REJECTED_RAW_CHARS]
                       if isinstance(rec.title, str) else "")
    for name in ("title", "abstract"):
        v = getattr(rec, name)
        if not isinstance(v, str) or not v.strip():
            return bad(f"{name}: expected text, found {type(v).__name__ if v is not None else 'nothing'}")
    n = rec.n_authors
    if n is not None and (type(n) is not int or not 0 <= n <= INT32_MAX):
        return bad(f"n_authors: {str(n)[:40]} does not fit a 32-bit count (0 to {INT32_MAX:,})")
    if rec.published is not None and type(rec.published) is not dt.date:
        return bad(f"published: expected a date, found {type(rec.published).__name__}")
    for name in ("published_text", "external_id"):
        v = getattr(rec, name)
        if v is not None and not isinstance(v, str):
            return bad(f"{name}: expected text, found {type(v).__name__}")
    return rec
