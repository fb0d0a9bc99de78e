"""The input records of one build, read once and kept in a temporary Arrow
IPC stream (LZ4-compressed) in the build's scratch folder.

The build must know every source file of a paper before it writes the
paper's row (the same paper in several dumps is one row listing them all),
and how many papers there are to plan its batches. It used to read the
input twice for that; a pipe or `<(zcat x.gz)` cannot be read twice. Now
the one pass over the input writes every record here while it counts the
papers, and the batches are read back from this file: the input is parsed
once, memory holds one chunk of records, and the rows come out exactly as
the two passes gave them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pyarrow as pa

from ..records import Problem, RawPaper

SCHEMA = pa.schema([
    ("source", pa.string()), ("line", pa.int64()), ("title", pa.string()), ("abstract", pa.string()),
    ("published", pa.date32()), ("published_text", pa.string()), ("n_authors", pa.int32()),
    ("external_id", pa.string()), ("table", pa.string()), ("reason", pa.string()), ("raw", pa.string()),
])
# SCHEMA holds RawPaper's fields in its order, then Problem's own (table, reason, raw):
# SpillWriter.add writes rows in that order, read() takes them back by position
_CHUNK_RECORDS = 4096
_CHUNK_CHARS = 16_000_000


class SpillWriter:
    """Records appended in input order, written in chunks of bounded size."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._writer = pa.ipc.new_stream(str(self.path), SCHEMA,
                                         options=pa.ipc.IpcWriteOptions(compression="lz4"))
        self._rows: list[tuple] = []
        self._chars = 0

    def add(self, rec: RawPaper | Problem) -> None:
        if isinstance(rec, Problem):
            self._rows.append((rec.source, rec.line, None, None, None, None, None, None,
                               rec.table, rec.reason, rec.raw))
            self._chars += len(rec.raw)
        else:
            self._rows.append((rec.source, rec.line, rec.title, rec.abstract, rec.published, rec.published_text,
                               rec.n_authors, rec.external_id, None, None, None))
            self._chars += len(rec.abstract) + len(rec.title)
        if len(self._rows) >= _CHUNK_RECORDS or self._chars >= _CHUNK_CHARS:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            columns = zip(*self._rows)
            self._writer.write_batch(pa.record_batch(
                [pa.array(col, f.type) for col, f in zip(columns, SCHEMA)], schema=SCHEMA))
        self._rows, self._chars = [], 0

    def close(self) -> None:
        self._flush()
        self._writer.close()


def read(path: Path) -> Iterator[RawPaper | Problem]:
    """The records of a spill file, in the order they were added."""
    with pa.ipc.open_stream(str(path)) as reader:
        for batch in reader:
            cols = batch.to_pydict()
            for row in zip(*(cols[name] for name in SCHEMA.names)):
                if row[9] is None:                  # no reason: a paper
                    yield RawPaper(*row[:8])
                else:
                    yield Problem(row[0], row[1], *row[8:])
