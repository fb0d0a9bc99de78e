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
