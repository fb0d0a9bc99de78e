"""`make bench`: the build as a user runs it, against quantulum3, in figures.

    python -m bench.run [--n 100000] [--small 10000] [--sample 1000] [--workers-n 60000]
    python -m bench.run --huge 1000000      # only the memory and time of a huge build

Corpora are the unique abstracts of data/raw resampled (bench/corpus.py).
Every build is `python -m pipeline build CORPUS --out OUT` in a child process
(imports, data docs, claims.duckdb and all), measured by bench/measure.py:
wall, CPU time of the child and its workers (user + sys), peak RSS. It prints:
- ours against quantulum3 0.10.0 on the same abstracts, interleaved (ours,
  quantulum3, ours, ...), CPU time, median of `--repeat` (3): ours is the
  default build (every core) of the small corpus, CPU per abstract;
  quantulum3 parses the first `--sample` abstracts of that corpus in its
  own process (bench/q3.py); and our quantity stage alone on that sample,
  in this process;
- where the time goes: a --workers 1 build of the small corpus, of the N
  corpus and of one abstract, each run by bench/stages.py (the same CLI
  call, in-process, with a timer around each stage);
- the peak RSS of those builds at the small size and at N (flat?), and the
  parts that raised it;
- --workers 2 against --workers 1 on the same corpus (`--workers-n`, the
  size of issue 18's acceptance), wall; when two workers are short of 1.7x,
  where the parent's time goes (bench/stages.py with --workers 2);
- the one-abstract build and `python -m pipeline --help`, wall, median of 3;
- regex calls and gazetteer scans per abstract of extraction, and the
  engines the gazetteer scan could run on (bench/engines.py);
- a table of the figures, each with the machine's load when it was taken,
  also written as JSON (reports/bench.json).
Figures are printed, never asserted. The machine's 1-minute load is recorded
with every figure: on a shared machine wall times stretch, CPU times less.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import measure
from bench.corpus import ROOT, abstracts, seed_papers, write_corpus

REPORT = ROOT / "reports" / "bench.json"
TARGETS = {"end to end vs quantulum3": ">= 100x", "one-abstract build": "< 1.5 s", "--help": "< 0.5 s",
           "workers 2 vs 1": ">= 1.7x at 60k", "peak RSS at huge": "< 1 GB at 1M"}
SHORT_OF_TWO_WORKERS = 1.7


def per_abstract_rate(fn, texts: list[str], repeat: int = 1) -> float:
    """Texts per second of CPU time (the machine may be shared): the median
    of 3 passes of `repeat` times over the texts."""
    fn(texts[0])
    rates = []
    for _ in range(3):
        t = time.process_time()
        for _ in range(repeat):
            for x in texts:
                fn(x)
        rates.append(repeat * len(texts) / (time.process_time() - t))
    return sorted(rates)[1]


REGEX_METHODS = {"match", "search", "finditer", "findall", "sub", "subn", "fullmatch", "split", "splititer"}
# (type of the object, method): a pass of a multi-pattern engine over a text (and re2.Set.Match,
# whose C method the hook cannot tell by its type)
SCANS = {("Automaton", "iter"), ("Automaton", "iter_long"), ("Database", "scan")}


def engine_calls(texts: list[str], rules, from_file: str | None = None) -> tuple[float, float]:
    """(regex calls, gazetteer scans) per abstract of extraction, counted by
    a profile hook on every call into the patterns of `regex` (and RE2's,
    were any used) and into the multi-pattern engines of SCANS (a finditer
    counts once, however many matches it yields); `from_file`: only the
    regex calls made in a file of that name."""
    from pipeline.extract import extract
    from pipeline.records import Paper
    import re2
    counts = {"regex": 0, "scans": 0}
    set_match = re2.Set.Match.__code__

    def hook(frame, event, arg):
        if event == "call" and frame.f_code is set_match:
            counts["scans"] += 1
        elif event == "c_call":
            owner = type(getattr(arg, "__self__", None)).__name__
            if owner in ("Pattern", "RE2") and arg.__name__ in REGEX_METHODS | {"Match", "Search"} \
                    and (from_file is None or frame.f_code.co_filename.endswith(from_file)):
                counts["regex"] += 1
            elif (owner, arg.__name__) in SCANS:
                counts["scans"] += 1
    papers = [Paper("0" * 16, "t", t, ["b"]) for t in texts]
    sys.setprofile(hook)
    try:
        for p in papers:
            extract(p, rules)
    finally:
        sys.setprofile(None)
    return counts["regex"] / len(papers), counts["scans"] / len(papers)


# ---------------------------------------------------------------- children

def cli(*args: str) -> list[str]:
    """The command line a user runs (`paper-claims` is the same entry point)."""
    return [sys.executable, "-m", "pipeline", *args]


def build(corpus: Path, scratch: Path, *flags: str) -> measure.Run:
    """One build of `corpus` into a new folder (removed after)."""
    out = Path(tempfile.mkdtemp(dir=scratch, prefix="out-"))
    try:
        return measure.run(cli("build", str(corpus), "--out", str(out / "tables"), *flags))
    finally:
        shutil.rmtree(out, ignore_errors=True)


def quantulum3(corpus: Path, n: int) -> tuple[float, measure.Run] | None:
    """quantulum3's parse CPU seconds per abstract on the first n abstracts, and its run."""
    try:
        r = measure.run([sys.executable, "-m", "bench.q3", str(corpus), str(n)])
    except RuntimeError as e:
        if "No module named 'quantulum3'" in str(e):
            return None
        raise
    out = json.loads(r.stdout.strip().splitlines()[-1])
    return out["cpu"] / out["n"], r


def stages(corpus: Path, scratch: Path, *flags: str) -> dict:
    """Where a build's time goes (bench/stages.py), with the loads around it."""
    out = Path(tempfile.mkdtemp(dir=scratch, prefix="out-"))
    try:
        r = measure.run([sys.executable, "-m", "bench.stages", str(corpus), str(out / "tables"), *flags])
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {**json.loads(r.stdout.strip().splitlines()[-1]), "load": r.load, "load_after": r.load_after,
            "wall_outside": r.wall, "peak_mb_outside": r.peak_mb}


# ---------------------------------------------------------------- printing

def _load(*loads: float) -> str:
    return "load " + "/".join(f"{x:.2f}" for x in loads)


def print_parts(title: str, st: dict, papers: int) -> None:
    parts = st["parts"]
    wall = st["wall"]
    print(f"{title}: {wall:.2f}s in-process, {st['cpu_self']:.2f}s CPU here"
          + (f" + {st['cpu_children']:.2f}s in workers" if st["cpu_children"] else "")
          + f"  ({_load(st['load'], st['load_after'])})")
    print(f"  {'part':<40}{'seconds':>9}{'share':>8}{'us/abstract':>13}")
    for name, sec in sorted(parts.items(), key=lambda kv: -kv[1]):
        if sec < 0.0005 * wall:
            continue
        print(f"  {name:<40}{sec:>9.2f}{100 * sec / wall:>7.1f}%{1e6 * sec / papers:>13,.0f}")
    extraction = sum(v for k, v in parts.items() if k.startswith(("find:", "decide:", "extract")))
    if extraction:
        print(f"  {'(extraction, all find/decide parts)':<40}{extraction:>9.2f}{100 * extraction / wall:>7.1f}%"
              f"{1e6 * extraction / papers:>13,.0f}")
    if st.get("missing"):
        print(f"  not timed (no longer in the code): {', '.join(st['missing'])}")


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    w = max(len(r[0]) for r in rows) + 2
    print(f"{'figure':<{w}}{'value':>16}  {'target':<16}{'load (1 min, before/after)'}")
    for name, value, target, load in rows:
        print(f"{name:<{w}}{value:>16}  {target:<16}{load}")


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_json(path: Path, key: str, figures: dict) -> None:
    """figures under `key` of the JSON report; the other keys (another kind
    of run) are kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    report = read_json(path)
    report[key] = figures
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def machine() -> dict:
    return {"when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
            "python": platform.python_version(), "load_at_start": [round(x, 2) for x in os.getloadavg()]}


# ---------------------------------------------------------------- the runs

def huge(args, seeds: list[dict], scratch: Path) -> None:
    """One --workers 1 build of a resampled corpus of args.huge abstracts
    (streamed to disk), and one of args.n for comparison."""
    fig = {"machine": machine(), "n": args.huge, "compare_n": args.n}
    print(f"huge build: {args.huge:,} abstracts resampled from {len(seeds)}, one worker; and {args.n:,} to compare")
    t = time.perf_counter()
    big = write_corpus(seeds, args.huge, scratch / "huge.jsonl", seed=2)
    fig["corpus_seconds"] = round(time.perf_counter() - t, 1)
    fig["corpus_bytes"] = big.stat().st_size
    at_n = build(write_corpus(seeds, args.n, scratch / "large.jsonl", seed=1), scratch, "--workers", "1")
    print(f"  {args.n:>11,} abstracts  {at_n.wall:>8.1f}s wall  {at_n.cpu:>8.1f}s CPU  {at_n.peak_mb:>7,.0f} MB peak"
          f"  ({_load(at_n.load, at_n.load_after)})", flush=True)
    r = build(big, scratch, "--workers", "1")
    print(f"  {args.huge:>11,} abstracts  {r.wall:>8.1f}s wall  {r.cpu:>8.1f}s CPU  {r.peak_mb:>7,.0f} MB peak"
          f"  ({_load(r.load, r.load_after)})")
    print(f"  peak RSS {r.peak_mb / at_n.peak_mb:.2f}x that at {args.n:,} for {args.huge / args.n:.0f}x the input;"
          f" {args.huge / r.wall:,.0f} abstracts/s wall, {1e6 * r.cpu / args.huge:,.0f} us CPU per abstract")
    fig["at_n"], fig["huge"] = at_n.figures(), r.figures()
    write_json(args.json, "huge", fig)
    print(f"figures: {args.json}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="abstracts of the large corpus (memory at scale)")
    ap.add_argument("--small", type=int, default=10_000,
                    help="abstracts of the small corpus (ours against quantulum3, stage shares)")
    ap.add_argument("--sample", type=int, default=1_000, help="abstracts quantulum3 parses (the first of the small corpus)")
    ap.add_argument("--workers-n", type=int, default=60_000,
                    help="abstracts of the corpus --workers 2 and 1 build (at most --n)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each timed build (the median is kept)")
    ap.add_argument("--huge", type=int, default=None, metavar="N",
                    help="only: one --workers 1 build of N abstracts, and one of --n to compare")
    ap.add_argument("--json", type=Path, default=REPORT, help="where the figures go (default reports/bench.json)")
    ap.add_argument("--scratch", type=Path, default=None, help="folder for corpora and outputs (default: a temporary one)")
    args = ap.parse_args(argv)
    args.workers_n = min(args.workers_n, args.n)
    args.sample = min(args.sample, args.small)

    seeds = seed_papers()
    with tempfile.TemporaryDirectory(dir=args.scratch, prefix="bench-") as tmp:
        scratch = Path(tmp)
        if args.huge:
            return huge(args, seeds, scratch)
        run_all(args, seeds, scratch)


def run_all(args, seeds: list[dict], scratch: Path) -> None:
    fig: dict = {"machine": machine(), "sizes": {"small": args.small, "n": args.n, "sample": args.sample,
                                                 "workers_n": args.workers_n, "repeat": args.repeat}}
    print(f"seed: {len(seeds)} unique abstracts from data/raw; corpora of {args.small:,}, {args.workers_n:,} "
          f"and {args.n:,}; {os.cpu_count()} cores; {_load(*os.getloadavg())} (1, 5, 15 min)")
    small = write_corpus(seeds, args.small, scratch / "small.jsonl")
    one = write_corpus(seeds, 1, scratch / "one.jsonl")
    sample = abstracts(small, args.sample)

    # ours and quantulum3, interleaved
    ours_runs, q3_runs, q3_cpu = [], [], []
    for _ in range(args.repeat):
        ours_runs.append(build(small, scratch))
        if (q := quantulum3(small, args.sample)) is not None:
            q3_cpu.append(q[0])
            q3_runs.append(q[1])
    ours = measure.median_run(ours_runs)
    ours_us = 1e6 * ours["cpu"] / args.small
    fig["ours_default_build"] = {**ours, "cpu_us_per_abstract": round(ours_us, 1)}

    from pipeline.extract import extract
    from pipeline.find import numbers
    from pipeline.records import Paper
    from pipeline.rules import default
    rules = default()
    l0 = measure.load()
    quantity_rate = per_abstract_rate(lambda t: numbers(t, rules), sample)
    extract_rate = per_abstract_rate(lambda t: extract(Paper("0" * 16, "t", t, ["b"]), rules), sample)
    in_process_load = (l0, measure.load())
    fig["in_process"] = {"quantity_stage_per_s": round(quantity_rate, 1), "extraction_per_s": round(extract_rate, 1),
                         "loads": [round(x, 2) for x in in_process_load]}
    if q3_cpu:
        q3_us = 1e6 * statistics.median(q3_cpu)
        fig["quantulum3"] = {"cpu_us_per_abstract": round(q3_us, 1), "runs_us": [round(1e6 * c, 1) for c in q3_cpu],
                             "loads": [round(r.load, 2) for r in q3_runs] + [round(q3_runs[-1].load_after, 2)]}
        fig["ratios"] = {"end_to_end_vs_quantulum3": round(q3_us / ours_us, 2),
                         "quantity_stage_vs_quantulum3": round(q3_us * quantity_rate / 1e6, 1),
                         "extraction_vs_quantulum3": round(q3_us * extract_rate / 1e6, 1)}

    print()
    print(f"ours, `python -m pipeline build` of {args.small:,} abstracts (default: every core), median of {args.repeat}:")
    print(f"  {ours['cpu']:.1f}s CPU ({ours_us:,.0f} us per abstract, {1e6 / ours_us:,.0f} abstracts per CPU second), "
          f"{ours['wall']:.1f}s wall ({args.small / ours['wall']:,.0f} abstracts/s), peak {ours['peak_mb']:,.0f} MB"
          f"  (CPU {', '.join(map(str, ours['cpus']))}; {_load(*ours['loads'])})")
    print(f"on the first {args.sample:,} of those abstracts, one core, CPU:")
    print(f"  {'ours, quantity stage':<38}{quantity_rate:>10,.0f} abstracts/s  (in-process, {_load(*in_process_load)})")
    print(f"  {'ours, all extraction stages':<38}{extract_rate:>10,.0f} abstracts/s")
    if q3_cpu:
        print(f"  {'quantulum3 0.10.0 (quantities only)':<38}{1e6 / q3_us:>10,.1f} abstracts/s  ({q3_us:,.0f} us each;"
              f" runs {', '.join(f'{1e6 * c:,.0f}' for c in q3_cpu)} us; {_load(*fig['quantulum3']['loads'])})")
        r = fig["ratios"]
        print(f"  {'end to end vs quantulum3':<38}{r['end_to_end_vs_quantulum3']:>10,.1f}x  (CPU per abstract:"
              f" the whole build, imports and data docs, against quantulum3's parse alone)")
        print(f"  {'quantity stage vs quantulum3':<38}{r['quantity_stage_vs_quantulum3']:>10,.0f}x")
        print(f"  {'extraction vs quantulum3':<38}{r['extraction_vs_quantulum3']:>10,.0f}x")
    else:
        print("  quantulum3 not installed (pip install -r requirements-bench.txt): no ratios")
    regex_calls, scans = engine_calls(sample, rules)
    fig["engine_calls"] = {"regex_calls_per_abstract": round(regex_calls, 1), "gazetteer_scans_per_abstract": round(scans, 2)}
    print(f"  {'regex calls per abstract':<38}{regex_calls:>10,.1f}")
    print(f"  {'gazetteer scans per abstract':<38}{scans:>10,.1f}  (Hyperscan literals, RE2 set of entries;"
          " a second Hyperscan pass for a text beyond ASCII)")

    # where the time goes, and memory (both builds through bench/stages.py, --workers 1)
    print()
    st = stages(small, scratch, "--workers", "1")
    fig["stages_small_workers_1"] = st
    print_parts(f"where the time goes, {args.small:,} abstracts, --workers 1", st, args.small)
    large = write_corpus(seeds, args.n, scratch / "large.jsonl", seed=1)
    stn = stages(large, scratch, "--workers", "1")
    fig["stages_n_workers_1"] = stn
    print_parts(f"where the time goes, {args.n:,} abstracts, --workers 1", stn, args.n)
    st1 = stages(one, scratch)
    fig["stages_one_abstract"] = st1
    print_parts("where the time goes, one abstract", st1, 1)

    print()
    for n, r in ((args.small, st), (args.n, stn)):
        print(f"{'peak RSS, --workers 1, ' + format(n, ',') + ' abstracts':<44}{r['peak_mb_outside']:>8,.0f} MB"
              f"  ({r['wall_outside']:.1f}s wall, {n / r['wall_outside']:,.0f} abstracts/s,"
              f" {1e6 * r['cpu_self'] / n:,.0f} us CPU each; {_load(r['load'], r['load_after'])})")
        print("    the peak rose in: " + ", ".join(f"{k} +{v:,.0f} MB" for k, v in sorted(
            r["peak_rise_mb"].items(), key=lambda kv: -kv[1]) if v >= 1))
    print(f"  ratio {stn['peak_mb_outside'] / st['peak_mb_outside']:.2f} for {args.n / args.small:.0f}x the input")
    wcorpus = large if args.workers_n == args.n else write_corpus(seeds, args.workers_n, scratch / "workers.jsonl", seed=3)
    w1 = build(wcorpus, scratch, "--workers", "1")
    w2 = build(wcorpus, scratch, "--workers", "2")
    speedup = w1.wall / w2.wall
    fig["workers"] = {"n": args.workers_n, "workers_1": w1.figures(), "workers_2": w2.figures(),
                      "speedup_wall": round(speedup, 3)}
    print(f"{'--workers 2 vs 1, ' + format(args.workers_n, ',') + ' abstracts':<44}{speedup:>8.2f}x wall"
          f"  ({w1.wall:.1f}s / {w2.wall:.1f}s; CPU {w1.cpu:.1f}s / {w2.cpu:.1f}s; peak {w2.peak_mb:,.0f} MB"
          f" the largest process; {_load(w1.load, w1.load_after)} / {_load(w2.load, w2.load_after)})")
    if speedup < SHORT_OF_TWO_WORKERS:
        stp = stages(wcorpus, scratch, "--workers", "2")
        fig["stages_parent_workers_2"] = stp
        print_parts(f"where the parent's time goes, --workers 2, {args.workers_n:,} abstracts", stp, args.workers_n)

    # the small commands
    print()
    one_build = measure.median_run([build(one, scratch) for _ in range(3)])
    helped = measure.median_run([measure.run(cli("--help")) for _ in range(3)])
    fig["one_abstract_build"], fig["help"] = one_build, helped
    print(f"{'one-abstract build, wall, median of 3':<44}{one_build['wall']:>8.2f}s  (runs {one_build['walls']};"
          f" {_load(*one_build['loads'])})")
    print(f"{'python -m pipeline --help, wall, median of 3':<44}{helped['wall']:>8.2f}s  (runs {helped['walls']};"
          f" {_load(*helped['loads'])})")

    print()
    from bench.engines import floors
    from pipeline.find import reading
    print("engines for the gazetteer scan, on the reading copies of the sample (bench/engines.py):")
    print(f"  {'engine':<44}{'compile ms':>11}{'scan us/abstract':>18}")
    fig["engines"] = []
    for name, ms, us in floors([reading.reading_copy(t, rules) for t in sample], rules):
        fig["engines"].append({"engine": name, "compile_ms": round(ms, 2), "scan_us": round(us, 2)})
        print(f"  {name:<44}{ms:>11.1f}{us:>18.1f}")

    print()
    lo = lambda *xs: _load(*xs)  # noqa: E731
    rows = [
        (f"end to end, CPU per abstract ({args.small:,}, default build)", f"{ours_us:,.0f} us", "", lo(*ours["loads"])),
    ]
    if q3_cpu:
        rows += [
            ("quantulum3, CPU per abstract (parse only)", f"{q3_us:,.0f} us", "", lo(*fig["quantulum3"]["loads"])),
            ("end to end vs quantulum3", f"{fig['ratios']['end_to_end_vs_quantulum3']:,.1f}x",
             TARGETS["end to end vs quantulum3"], ""),
            ("quantity stage vs quantulum3", f"{fig['ratios']['quantity_stage_vs_quantulum3']:,.0f}x", "",
             lo(*in_process_load)),
        ]
    rows += [
        (f"abstracts/s, --workers 1, {args.workers_n:,} (wall)", f"{args.workers_n / w1.wall:,.0f}", "",
         lo(w1.load, w1.load_after)),
        (f"peak RSS, --workers 1, {args.small:,}", f"{st['peak_mb_outside']:,.0f} MB", "", lo(st["load"])),
        (f"peak RSS, --workers 1, {args.n:,}", f"{stn['peak_mb_outside']:,.0f} MB", "", lo(stn["load"])),
        (f"--workers 2 vs 1, {args.workers_n:,} (wall)", f"{speedup:.2f}x", TARGETS["workers 2 vs 1"],
         f"{lo(w1.load, w1.load_after)} / {lo(w2.load, w2.load_after)}"),
        ("one-abstract build (wall)", f"{one_build['wall']:.2f} s", TARGETS["one-abstract build"],
         lo(*one_build["loads"])),
        ("python -m pipeline --help (wall)", f"{helped['wall']:.2f} s", TARGETS["--help"], lo(*helped["loads"])),
        ("regex calls / gazetteer scans per abstract", f"{regex_calls:.1f} / {scans:.1f}", "", ""),
    ]
    if h := read_json(args.json).get("huge"):       # the last --huge run, if any
        when = h["machine"]["when"][:16].replace("T", " ")
        rows += [
            (f"--huge {h['n']:,}, --workers 1, peak RSS ({when})", f"{h['huge']['peak_mb']:,.0f} MB",
             "< 1 GB, flat", lo(h["huge"]["load"], h["huge"]["load_after"])),
            ("  the same run's time (wall / CPU)", f"{h['huge']['wall']:,.0f} / {h['huge']['cpu']:,.0f} s", "", ""),
            (f"  peak RSS at {h['compare_n']:,} in that run", f"{h['at_n']['peak_mb']:,.0f} MB", "",
             lo(h["at_n"]["load"], h["at_n"]["load_after"])),
        ]
    print_table(rows)
    write_json(args.json, "bench", fig)
    print(f"figures: {args.json}")


if __name__ == "__main__":
    main()
