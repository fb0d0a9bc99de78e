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
# great-expectations costs a fixed overhead per validated batch, so batches
# of 2,000 keep validation a minor share of the build (`make bench`).
DEFAULT_BATCH_SIZE = 2000

# Guards against pathological input (a real abstract has a few thousand
# characters and a sentence fewer than twenty quantities). Beyond them the
# input is reported in rejected.parquet instead of being processed.
MAX_ABSTRACT_CHARS = 100_000
MAX_MENTIONS_PER_SENTENCE = 50
MAX_NUMBER_DIGITS = 18
