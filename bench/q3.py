"""quantulum3 on the first N abstracts of a corpus, in its own process:

    python -m bench.q3 CORPUS N

prints one JSON line: the CPU seconds of `quantulum3.parser.parse` over the
N abstracts (its import and a first parse to load its models not counted:
the measure is conservative for us, whose figure includes our imports), and
how many it parsed.
"""
from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path


def main(corpus: Path, n: int) -> dict:
    warnings.filterwarnings("ignore")
    from quantulum3 import parser

    from bench.corpus import abstracts
    texts = abstracts(corpus, n)
    parser.parse(texts[0])
    t = time.process_time()
    for x in texts:
        parser.parse(x)
    return {"cpu": time.process_time() - t, "n": len(texts)}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]))))
