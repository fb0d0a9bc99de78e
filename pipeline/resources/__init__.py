"""Loaders of the resource files: extraction knowledge kept as data.

Every file is read once per process (functools.cache). Malformed files raise
ResourceError naming the file and line.
"""
from __future__ import annotations

import csv
import functools
import tomllib
from pathlib import Path

from ..config import RESOURCES, SCHEMAS
from ..errors import ResourceError


def _path(name: str) -> Path:
    for base in (RESOURCES, SCHEMAS):
        p = base / name
        if p.exists():
            return p
    raise ResourceError(RESOURCES / name, None, "a resource file of that name")


@functools.cache
def toml(name: str) -> dict:
    path = _path(name)
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ResourceError(path, getattr(e, "lineno", None), f"valid TOML ({e})") from e


@functools.cache
def csv_rows(name: str) -> tuple[dict, ...]:
    """Rows of a CSV resource; lines starting with '#' are comments."""
    path = _path(name)
    with open(path, encoding="utf-8", newline="") as f:
        numbered = [(i, ln) for i, ln in enumerate(f, 1)
                    if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(ln for _, ln in numbered)
    rows = []
    for row in reader:
        if None in row or any(v is None for v in row.values()):
            line = numbered[min(reader.line_num, len(numbered)) - 1][0]
            raise ResourceError(path, line, f"{len(reader.fieldnames)} columns {reader.fieldnames}")
        rows.append({k: v.strip() for k, v in row.items()})
    return tuple(rows)
