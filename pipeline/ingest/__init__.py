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


def decode(data: bytes, path: Path) -> tuple[str, list[Problem]]:
    """UTF-8 text (a BOM is dropped); undecodable bytes become U+FFFD and are reported."""
    if b"\x00" in data[:8192]:
        raise UnknownFormatError(path, "binary content (NUL bytes)")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        text = data.decode("utf-8-sig", errors="replace")
        return text, [Problem(str(path.name), line, "papers",
                              f"invalid UTF-8 at byte {e.start}; replaced by U+FFFD", "")]


def sniff(path: Path, text: str) -> str:
    kind = EXTENSIONS.get(path.suffix.lower())
    if kind:
        return kind
    head = text.lstrip()[:4096]
    if head.startswith("{"):
        return "jsonl"
    first = head.splitlines()[0].lower() if head else ""
    if "title" in first and "abstract" in first and "," in first:
        return "csv"
    raise UnknownFormatError(path, f"extension {path.suffix or '(none)'!r} and content "
                                   f"starting {head[:40]!r}")


def read_file(path: Path) -> Iterator[RawPaper | Problem]:
    """Every entry of one file. Whole-file problems are raised; line problems yielded."""
    text, problems = decode(path.read_bytes(), path)
    yield from problems
    if not text.strip():
        raise InputError(path, None, "at least one entry", "an empty file")
    yield from PARSERS[sniff(path, text)](text, path.name)
