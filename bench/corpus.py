"""Corpora for the benchmark: the unique abstracts of data/raw, resampled.

A corpus of N abstracts is N draws (with replacement, a fixed seed) from the
papers of data/raw as a build reads them, each title made unique by its
line number, written as JSON lines one at a time: a corpus of a million
abstracts (~1.2 GB) is never held in memory.
"""
from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seed_papers() -> list[dict]:
    """The unique papers of data/raw, as rows (title, abstract, ...)."""
    from pipeline.build import papers_of
    return [p.row() for p in papers_of([ROOT / "data" / "raw"])]


def write_corpus(papers: list[dict], n: int, path: Path, seed: int = 0) -> Path:
    """N resampled papers as JSON lines in `path`, streamed."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            p = rng.choice(papers)
            f.write(json.dumps({"title": f"{p['title']} [{i}]", "abstract": p["abstract"]}) + "\n")
    return path


def abstracts(path: Path, n: int) -> list[str]:
    """The first `n` abstracts of a corpus written by write_corpus."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["abstract"] for line in itertools.islice(f, n)]
