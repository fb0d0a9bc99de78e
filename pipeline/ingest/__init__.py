"""Ingest: raw files in, RawPaper (or Problem) records out, streamed.

The format is chosen by extension, then by content; a file of no known
format raises UnknownFormatError naming it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError, UnknownFormatError
from ..records import Problem, RawPaper
from .listing import parse_listing
from .tabular import parse_csv, parse_jsonl

PARSERS = {"listing": parse_listing, "jsonl": parse_jsonl, "csv": parse_csv}
EXTENSIONS = {".txt": "listing", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
              ".csv": "csv"}


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the files of folders named, in a stable order."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")))
        elif p.exists():
            out.append(p)
        else:
            raise InputError(p, None, "an existing file or folder")
    return out


def sniff(path: Path, head: str) -> str:
    """The format of a file, by extension, else by its first characters."""
    kind = EXTENSIONS.get(path.suffix.lower())
    if kind:
        return kind
    head = head.lstrip()
    if head.startswith("{"):
        return "jsonl"
    first = head.splitlines()[0].lower() if head else ""
    if "title" in first and "abstract" in first and "," in first:
        return "csv"
    raise UnknownFormatError(path, f"extension {path.suffix or '(none)'!r} and content "
                                   f"starting {head[:40]!r}")


def _lines(path: Path, problems: list[Problem]) -> Iterator[str]:
    """The file's lines, decoded one at a time (a UTF-8 BOM is dropped; a line
    with invalid UTF-8 is decoded with U+FFFD and reported), so memory does
    not grow with the file."""
    with open(path, "rb") as f:
        for i, raw in enumerate(f, 1):
            if i == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as e:
                problems.append(Problem(path.name, i, "papers",
                                        f"invalid UTF-8 at byte {e.start} of the line; replaced by U+FFFD", ""))
                yield raw.decode("utf-8", errors="replace")


def read_file(path: Path) -> Iterator[RawPaper | Problem]:
    """Every entry of one file, streamed. Whole-file problems are raised; line
    problems are yielded as Problem records in file order."""
    with open(path, "rb") as f:
        head_bytes = f.read(8192)
    if b"\x00" in head_bytes:
        raise UnknownFormatError(path, "binary content (NUL bytes)")
    head = head_bytes.decode("utf-8", errors="replace").lstrip("\ufeff")
    if not head.strip():
        raise InputError(path, None, "at least one entry", "an empty file")
    parser = PARSERS[sniff(path, head)]
    problems: list[Problem] = []
    for rec in parser(_lines(path, problems), path.name):
        if problems:
            yield from problems
            problems.clear()
        yield rec
    yield from problems
