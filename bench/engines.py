"""The engines the gazetteer scan could run on, measured on the same texts.

    python -m bench.engines

For each engine that could find where the gazetteers' literals are, or
which entries may match at all (pipeline/gazetteer.py), over the reading
copies of the raw abstracts: the time to compile it for all gazetteers of
the rules (CPU, once per process) and the time of its scan per abstract
(CPU, the least of 5 passes over the texts). Then the regex calls of the
gazetteers per abstract of extraction, with and without the filter. A
Hyperscan scan calls Python once per match, so its time includes building
the places. pyahocorasick is what the scan ran on before; it is measured
only when it is installed.
"""
from __future__ import annotations

import time


def _cpu(fn, texts: list, repeat: int = 5) -> float:
    """CPU microseconds per text, the least of `repeat` passes (the machine may be shared)."""
    runs = []
    for _ in range(repeat):
        t = time.process_time()
        for x in texts:
            fn(x)
        runs.append((time.process_time() - t) / len(texts) * 1e6)
    return min(runs)


def _compiled(build):
    t = time.process_time()
    out = build()
    return out, (time.process_time() - t) * 1e3


def floors(texts: list[str], rules) -> list[tuple[str, float, float]]:
    """(engine, compile ms, scan us per abstract) of each candidate."""
    import hyperscan
    import re2
    from pipeline.gazetteer import _Engine
    gazetteers = list(rules.scanner.gazetteers.values())
    keys = list(dict.fromkeys(k for g in gazetteers for k in g.keys))
    supersets = [e.superset for g in gazetteers for e in g.entries if e.superset is not None]
    rows = []
    try:
        import ahocorasick

        def automata():
            out = []
            for folded in (False, True):
                a = ahocorasick.Automaton()
                for lit, f in keys:
                    if f == folded:
                        a.add_word(lit, len(lit))
                a.make_automaton()
                out.append((folded, a))
            return out
        ac, ms = _compiled(automata)
        rows.append(("Aho-Corasick literals, 2 passes (before)", ms,
                     _cpu(lambda x: [list(a.iter(x.casefold() if f else x)) for f, a in ac], texts)))
    except ImportError:
        pass

    def database(patterns: list[bytes], flags: list[int], literal: bool):
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=patterns, ids=list(range(len(patterns))), elements=len(patterns), flags=flags,
                   literal=literal)
        return db

    def hs_scan(db):
        def scan(x):
            hits = []
            db.scan(x.encode(), match_event_handler=lambda i, a, b, f, c: hits.append((i, b)))
            return hits
        return scan
    lits, ms = _compiled(lambda: database([k.encode() for k, _ in keys],
                                          [hyperscan.HS_FLAG_CASELESS if f else 0 for _, f in keys], True))
    rows.append(("Hyperscan literals, 1 pass", ms, _cpu(hs_scan(lits), texts)))

    def re2_set():
        options = re2.Options()
        options.max_mem = _Engine.MAX_MEM
        s = re2.Set.SearchSet(options)
        for p in supersets:
            s.Add(p)
        s.Compile()
        return s
    rset, ms = _compiled(re2_set)
    rset.Match(texts[0].encode())
    rows.append(("RE2 set of the entries' supersets", ms, _cpu(lambda x: rset.Match(x.encode()), texts)))
    # the supersets in Hyperscan (ASCII classes: the texts here are ASCII): where each entry may end
    ascii_sets = [p.replace(r"[\x{80}-\x{10FFFF}]", r"\xff").replace(r"\x{80}-\x{10FFFF}", "")
                  .replace(r"[^\x00-\x{10FFFF}]", r"\xff").encode() for p in supersets]
    ends, ms = _compiled(lambda: database(ascii_sets, [0] * len(ascii_sets), False))
    rows.append(("Hyperscan entries' supersets (match ends)", ms, _cpu(hs_scan(ends), texts)))
    both, ms = _compiled(lambda: database(
        ascii_sets + [hyperscan_escape(k) for k, _ in keys],
        [0] * len(ascii_sets) + [hyperscan.HS_FLAG_CASELESS if f else 0 for _, f in keys], False))
    rows.append(("Hyperscan literals + supersets, one DB", ms, _cpu(hs_scan(both), texts)))
    chosen, ms = _compiled(lambda: _Engine(gazetteers))
    rows.append(("chosen: Hyperscan literals + RE2 set", ms, _cpu(chosen.scan, texts)))
    return rows


def hyperscan_escape(literal: str) -> bytes:
    return "".join(f"\\x{b:02x}" for b in literal.encode()).encode()


def gazetteer_calls(texts: list[str], rules) -> tuple[float, float]:
    """Regex calls per abstract from pipeline/gazetteer.py in extraction:
    with the RE2 filter, and with the filter left out (every entry passes)."""
    from bench.run import engine_calls
    from pipeline.gazetteer import _Engine
    with_filter = engine_calls(texts, rules, "pipeline/gazetteer.py")[0]
    scan = _Engine.scan
    _Engine.scan = lambda self, text: [f._replace(passing=None) for f in scan(self, text)]
    try:
        without = engine_calls(texts, rules, "pipeline/gazetteer.py")[0]
    finally:
        _Engine.scan = scan
    return with_filter, without


def main() -> None:
    from bench.corpus import seed_papers
    from pipeline.find import reading
    from pipeline.rules import default
    rules = default()
    texts = [reading.reading_copy(p["abstract"], rules) for p in seed_papers()]
    print(f"on the reading copies of the {len(texts)} seed abstracts, one core, CPU time:")
    print(f"  {'engine':<44}{'compile ms':>11}{'scan us/abstract':>18}")
    for name, ms, us in floors(texts, rules):
        print(f"  {name:<44}{ms:>11.1f}{us:>18.1f}")
    with_filter, without = gazetteer_calls([p["abstract"] for p in seed_papers()], rules)
    print(f"  gazetteer regex calls per abstract: {with_filter:.1f} with the RE2 filter, {without:.1f} without")


if __name__ == "__main__":
    main()
