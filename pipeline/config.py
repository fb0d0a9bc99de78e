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
DEFAULT_BATCH_SIZE = 500
