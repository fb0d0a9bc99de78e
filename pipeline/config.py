"""Every path the project uses, in one place."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "pipeline" / "resources"
SCHEMAS = ROOT / "schemas"
RAW = ROOT / "data" / "raw"
PROCESSED = ROOT / "data" / "processed"
GOLD_DEV = ROOT / "tests" / "golden" / "dev.jsonl"
REPORTS = ROOT / "reports"

# Papers per batch: bounds memory; every stage is a function over one batch.
# great-expectations costs about a second per validated batch whatever its
# size (0.66 ms per abstract at 2,000 papers, 0.16 ms at 10,000), so batches
# are as large as memory allows: 10,000 papers hold ~200 MB in a worker
# (peak RSS 499 MB at one batch, 581 MB at ten, `make bench`).
# With several workers and a small input, batches shrink (to no fewer than
# MIN_BATCH_SIZE papers) so that every worker gets two (build.plan).
DEFAULT_BATCH_SIZE = 10_000
MIN_BATCH_SIZE = 500

# Guards against pathological input (a real abstract has a few thousand
# characters and a sentence fewer than twenty quantities). Beyond them the
# input is reported in rejected.parquet instead of being processed.
MAX_ABSTRACT_CHARS = 100_000
MAX_MENTIONS_PER_SENTENCE = 50
MAX_NUMBER_DIGITS = 18

# Guards at the edge (ingest). An input record (a JSON line or array element,
# a CSV record, a listing entry) longer than MAX_RECORD_BYTES, or nested
# deeper than Python's JSON parser goes, is one rejected row, read no
# further; so is a record with a value that does not fit its column
# (n_authors beyond int32, NaN, a 5,000-digit number). Real abstracts have a
# few thousand characters. A rejected row keeps the first REJECTED_RAW_CHARS
# characters of the input it was made from, as text.
MAX_RECORD_BYTES = 1_000_000
REJECTED_RAW_CHARS = 2_000
# A batch also ends when its abstracts reach this many characters, so a
# corpus of long texts keeps batches (and Parquet row groups) bounded; and
# when as many rejected input rows as its papers wait in it (3M junk lines
# make batches of junk, not one batch of 3M rows).
MAX_BATCH_CHARS = 40_000_000
# Listing dumps: a paper's title is one line of at most this many characters
# not ending with a full stop; a longer or multi-line block after an
# abstract continues that abstract (a blank line inside an abstract).
LISTING_TITLE_MAX_CHARS = 300
# claims.duckdb is written under this memory limit (DuckDB spills to disk past
# it); a corpus of very long abstracts needs more, and is then written once
# more under DuckDB's own default (80% of RAM).
DUCKDB_MEMORY_LIMIT = "64MB"
