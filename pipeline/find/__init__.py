"""Finders: components that only add layers of spans to a Doc.

    document(paper_id, text, rules) -> Doc

reads the abstract once per layer: the reading copy; one scan that finds
where the literals of every gazetteer are and which of their entries may
match at all (devices, benchmarks, metrics, cues, number words, baseline
phrases: rules.scanner, pipeline/gazetteer.py); the sentences; the
quantities; the devices with their counts. Cues, metrics and baseline
phrases matter only around a quantity, so their entries are tried only in
the sentences that have one.
"""
from __future__ import annotations

from dataclasses import replace

from ..doc import Doc, Hit, overlaps
from ..rules import Rules
from . import benchmarks as open_benchmarks, devices, quantities, reading, sentences

_WHOLE_TEXT = ("devices", "benchmarks", "number_words")
_AROUND_QUANTITIES = ("metrics", "cues", "baseline_phrases")


def _hits(layer: str, text: str, places: dict, rules: Rules, spans=None) -> list[Hit]:
    """A layer's gazetteer hits, each with its entry's record (a benchmark
    name, a Metric, a Cue; the match itself for devices, number words and
    baseline phrases). Hits of an entry come left to right, entries in file order."""
    values = {"benchmarks": rules.benchmarks, "metrics": rules.metrics, "cues": rules.cues}.get(layer)
    return [Hit(m.start(), m.end(), i, m if values is None else values[i])
            for i, m in rules.scanner.finditer(layer, text, places, spans)]


def scan(text: str, rules: Rules, spans: list[tuple[int, int]] | None = None,
         layers=_WHOLE_TEXT + _AROUND_QUANTITIES) -> dict[str, list[Hit]]:
    """Gazetteer hits by layer, in one pass: over the whole text, or, for
    the layers read only around quantities, over `spans`."""
    places = rules.scanner.places(text)
    return {layer: _hits(layer, text, places, rules, spans if layer in _AROUND_QUANTITIES else None)
            for layer in layers}


def numbers(text: str, rules: Rules) -> list:
    """Every quantity written in `text` as it is (no reading copy, names
    not left out): the quantity stage alone, as the outside checks and the
    benchmark measure it.

    >>> from pipeline.rules import default
    >>> [m.text for m in numbers("twice as fast, 2.5x less memory and 40 ms", default())]
    ['twice', '2.5x', '40 ms']
    """
    return quantities.find(text, rules, scan(text, rules, layers=["number_words"])["number_words"])


def document(paper_id: str, text: str, rules: Rules) -> Doc:
    """The Doc of one abstract with every layer the deciders read."""
    read = reading.reading_copy(text, rules)
    places = rules.scanner.places(read)
    hit = lambda layer, spans=None: _hits(layer, read, places, rules, spans)   # noqa: E731
    spans = sentences.split(read, rules)
    devs = devices.find(paper_id, read, hit("devices"), rules, spans)
    benchmarks = sorted(hit("benchmarks"), key=lambda h: (h.start, -h.end))
    # a number inside a device's or a benchmark's name ("RTX 4090", "Gaudi 2", "MATH 500") is no quantity
    names = [(h.char_start, h.char_end) for h in devs] + [(h.start, h.end) for h in benchmarks]
    numbers = quantities.find(read, rules, hit("number_words"))
    mentions = [m for m in numbers if not any(overlaps((m.start, m.end), n) for n in names)]
    if counts := devices.device_counts(read, mentions, devs, rules):
        mentions = [replace(m, rule="num.device_count") if m.start in counts else m for m in mentions]
    around = [s for s in spans if any(s[0] <= m.start < s[1] for m in mentions)]
    metrics = hit("metrics", around)
    taken = [(h.char_start, h.char_end) for h in devs] + [(h.start, h.end) for h in metrics]
    benchmarks = sorted(benchmarks + open_benchmarks.find(read, benchmarks, taken, numbers, rules),
                        key=lambda h: (h.start, -h.end))
    return Doc(paper_id, text, read, tuple(spans), tuple(numbers), tuple(mentions), tuple(devs),
               tuple(benchmarks), tuple(metrics), tuple(hit("cues", around)),
               tuple(hit("baseline_phrases", around)))
