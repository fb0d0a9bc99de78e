"""Rules: every resource file of the extraction core, read once, checked
against `resources/schema.toml`, compiled once, and passed as one value to
every component (`find.document(paper, rules)`, `decide.claims(doc, rules)`).

    >>> rules = load()                       # pipeline/resources and schemas/
    >>> rules.window["left"], rules.cues[0].id
    (110, 'speed.faster')

A malformed file is a ResourceError naming the file, the line and the key
(or CSV column) and what was expected; nothing is read from module state, so
a test can load a tiny resource folder of its own (`load(folder)`).
"""
from __future__ import annotations

import csv
import functools
import math
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import regex

from .config import RESOURCES, SCHEMAS
from .errors import ResourceError
from .gazetteer import Gazetteer, Scanner, opening_characters, required_literal
from .guarded import guarded

WORD_BEFORE, WORD_AFTER = r"(?<![\p{L}\d\-])", r"(?![\p{L}\d\-])"
NUMBER_WORD_BEFORE = r"(?<![\p{L}-])"
# The patterns of devices.toml's [usage] and [claim] the code reads (pipeline/find/devices.py,
# pipeline/decide/hardware.py), by name.
HARDWARE_PATTERNS = ("platform_before", "platform_after", "platform_one", "list_neighbour", "part_after", "part_of",
                     "list_next", "resource_before", "clause_break", "coordinated", "sentence_wide", "list_gap")
# Gazetteers of the one scan per abstract, in the order Rules.scanner holds them.
LAYERS = ("devices", "benchmarks", "metrics", "cues", "number_words", "baseline_phrases")


# ---- records the components read -------------------------------------------

@dataclass(frozen=True, eq=False)
class Cue:
    id: str
    type: str
    measure: str                 # cost | rate | score
    pattern: regex.Pattern       # as the cue gazetteer compiled it
    factor_type: str | None = None
    share_of: regex.Pattern | None = None    # "of the (total) FLOPs" after a percentage
    weak: bool = False                       # counts only where no other cue is near


@dataclass(frozen=True)
class Metric:
    name: str
    percentage: bool
    lower_is_better: bool
    pattern: regex.Pattern
    written: str = "text"        # text | phrase | name: how the metric column writes it


@dataclass(frozen=True)
class Device:
    """One form of a record of resources/devices.toml: one entry of the
    abstract's scan. pipeline/find/devices.py renders `canonical` from the
    groups the form matched."""
    id: str
    role: str                    # family | class | proposed
    vendor: str | None
    kind: str
    covers: frozenset[str]       # ids of the generic classes a member makes redundant
    canonical: Any               # find.devices.Template: {group}, {group|filter}, {group=default}, [optional]
    specific: str | None         # the group that names one member of the family
    next: regex.Pattern | None   # a further member after a list connector
    vendor_if: tuple[tuple[str, regex.Pattern], ...] = ()
    platform: bool = True        # a device to run on by itself (not an architecture, a unit)


@dataclass(frozen=True)
class Hardware:
    """How devices are counted, used and given to claims (resources/devices.toml)."""
    aliases: Mapping[str, str]
    count_before: regex.Pattern
    count_not_before: tuple[str, ...]
    count_word_before: regex.Pattern
    count_hyphen: regex.Pattern
    count_words: Mapping[str, float]
    count_gap: str
    own_work: regex.Pattern
    example_before: regex.Pattern
    patterns: Mapping[str, regex.Pattern]      # [usage] and [claim], by name (HARDWARE_PATTERNS)
    platform_types: frozenset[str]
    host_kinds: frozenset[str]
    kind_words: tuple[tuple[str, regex.Pattern], ...]
    window: Mapping[str, float]


@dataclass(frozen=True)
class Construction:
    """One named decision of the claim stage (resources/constructions.toml)."""
    id: str
    stage: str
    spec: str
    kinds: frozenset[str] | None
    when: tuple
    then: Mapping[str, Any]
    suite: tuple[str, ...] = ()


@dataclass(frozen=True)
class Units:
    """How quantities are written (quantities.toml, units.csv), compiled."""
    number: regex.Pattern
    number_after_slash: regex.Pattern
    number_only: regex.Pattern
    exponent: regex.Pattern
    reference_before: regex.Pattern
    latex_wrap: regex.Pattern
    space: regex.Pattern
    factor: regex.Pattern
    percent: regex.Pattern
    points: regex.Pattern
    metric: regex.Pattern
    physical: regex.Pattern
    physical_map: Mapping[str, dict]
    physical_folded: Mapping[str, dict]
    connector: regex.Pattern
    list_gap: regex.Pattern
    openers: regex.Pattern
    between: regex.Pattern
    factor_values: Mapping[str, float]
    word_qualifiers: Mapping[str, str]
    fraction_values: Mapping[str, float]
    cardinals: Mapping[str, float]
    verbal: frozenset[str]
    verbal_object: regex.Pattern
    never_claims: frozenset[str]
    max_digits: int
    glued_only: frozenset[str] = frozenset()
    factor_before: regex.Pattern | None = None
    bare_range_factor: regex.Pattern | None = None
    prefix_factor: regex.Pattern | None = None
    open_rate: regex.Pattern | None = None
    open_rate_claim_type: str = "throughput"
    # a magnitude before a rate ("407K tokens/s"): written -> (SI prefix, factor)
    rate_magnitudes: Mapping[str, tuple[str, float]] = field(default_factory=dict)
    magnitude_rates: frozenset[str] = frozenset()   # the canonical rates that take one
    reader: Any = None     # find.quantities.Reader: what follows a number, read by one pattern
    latex_openers: frozenset[str] | None = None   # what a non-empty match of latex_wrap starts with (None: any)

    def latex_end(self, text: str, pos: int, endpos: int | None = None) -> int:
        """Where the LaTeX that closes a quantity ending at `pos` ends ("$"
        of "$12.5\\times$"), `pos` when there is none; latex_wrap runs only
        after a character its matches start with."""
        if self.latex_openers is not None and text[pos:pos + 1] not in self.latex_openers:
            return pos
        m = self.latex_wrap.match(text, pos, endpos)
        return m.end() if m else pos


@dataclass(frozen=True)
class Rules:
    folder: Path
    reading_markup: regex.Pattern
    reading_fonts: regex.Pattern
    reading_blank: regex.Pattern
    reading_symbols: tuple[tuple[regex.Pattern, str, tuple[tuple[str, ...], bool] | None], ...]  # + required_literal
    math_dollar: regex.Pattern
    breaks: str
    sentence_end: regex.Pattern
    abbreviations: frozenset[str]
    abbreviation_reach: int
    units: Units
    cues: tuple[Cue, ...]
    relative_of: Mapping[str, str]
    cue_word: regex.Pattern
    not_claim: Mapping[str, regex.Pattern]
    metrics: tuple[Metric, ...]
    metric_by_name: Mapping[str, Metric]
    benchmarks: tuple[str, ...]                 # names, in datasets.csv order
    devices: tuple[Device, ...]                 # one per entry of the device scan
    hardware: Hardware
    open_benchmarks: Mapping[str, Any]          # benchmarks.toml, compiled
    systems: regex.Pattern                       # any name of systems.csv, whole
    window: Mapping[str, float]
    context: Mapping[str, regex.Pattern]
    qualifier_before: tuple[tuple[str, regex.Pattern], ...]
    qualifier_after: tuple[tuple[str, regex.Pattern], ...]
    direction: Mapping[str, regex.Pattern]
    worse: regex.Pattern
    baseline_end: regex.Pattern
    baseline_list_end: regex.Pattern
    baseline_max_words: int
    subject_verb: regex.Pattern
    merit_of: regex.Pattern
    presents: regex.Pattern
    not_names: frozenset[str]
    not_name_suffixes: tuple[str, ...]
    fallback_to_first_name: bool
    metric_modifier: regex.Pattern       # a word that may be part of a metric's name
    metric_modifier_stop: regex.Pattern  # ... and the words that are not
    metric_max_modifiers: int
    constructions: Mapping[str, tuple[Construction, ...]]   # stage -> records, in order
    construction_ids: frozenset[str]
    vocabulary: Mapping[str, tuple[str, ...]]
    si: Mapping[str, tuple[float, str]]          # unit -> (factor to SI, SI unit), by pint
    scanner: Scanner
    relative_types: frozenset[str] = field(default=frozenset())

    def pattern(self, name: str) -> regex.Pattern:
        """A context pattern (context.toml [patterns]) by name."""
        try:
            return self.context[name]
        except KeyError:
            raise ResourceError(self.folder / "context.toml", None, f"a pattern named {name!r}") from None


# ---- reading and checking the files -----------------------------------------

class _Source:
    """One resource file: its path, its text (for line numbers) and its data."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise ResourceError(path, None, f"a readable file ({e.strerror})") from None

    def line_of(self, key: str, nth: int = 0) -> int | None:
        """The line where `key` is defined (the nth `[[key]]` of an array of tables)."""
        pat = regex.compile(r"^\s*(?:\[\[\s*\"?" + regex.escape(key) + r"\"?\s*\]\]|\[\s*\"?" + regex.escape(key)
                            + r"\"?\s*\]|\"?" + regex.escape(key) + r"\"?\s*=)", regex.M)
        hits = [self.text.count("\n", 0, m.start()) + 1 for m in pat.finditer(self.text)]
        return hits[nth] if len(hits) > nth else (hits[0] if hits else None)

    def error(self, key: str, expected: str, nth: int = 0) -> ResourceError:
        """An error at `key` ("window.left": the line of `left` after `[window]`)."""
        parts = key.split(".")
        line = self.line_of(parts[-1], nth)
        if len(parts) > 1 and (table := self.line_of(parts[0])):
            after = regex.compile(r"^\s*\"?" + regex.escape(parts[-1]) + r"\"?\s*=", regex.M)
            lines = self.text.splitlines()
            line = next((i + 1 for i in range(table, len(lines)) if after.match(lines[i])), line)
        return ResourceError(self.path, line, f"{key}: {expected}")


def _toml(folder: Path, name: str, schema: dict) -> dict:
    src = _Source(_find(folder, name))
    try:
        data = tomllib.loads(src.text)
    except tomllib.TOMLDecodeError as e:
        raise ResourceError(src.path, getattr(e, "lineno", None), f"valid TOML ({e})") from None
    for key, kind in schema.get(name, {}).items():
        k = key.rstrip("?")
        if k not in data:
            if key.endswith("?"):
                continue
            raise src.error(k, f"a key {k!r} ({kind})")
        if kind.startswith("table["):
            sub = schema[f"{name}[{kind[6:-1]}]"]
            items = data[k]
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise src.error(k, f"an array of tables [[{k}]]")
            for nth, item in enumerate(items):
                for key2, kind2 in sub.items():
                    k2 = key2.rstrip("?")
                    if k2 not in item:
                        if not key2.endswith("?"):
                            raise src.error(k, f"[[{k}]] number {nth + 1}: a key {k2!r} ({kind2})", nth)
                    elif (why := _why(kind2, item[k2])):
                        raise src.error(k, f"[[{k}]] {item.get('id', nth + 1)}: {k2} is not {why}", nth)
        elif kind.startswith("map[") and isinstance(data[k], dict):
            for sub_key, item in data[k].items():
                whys = [_why(alt, item) for alt in kind[4:-1].split("|")]
                if all(whys):
                    raise src.error(f"{k}.{sub_key}", " or ".join(whys))
        elif (why := _why(kind, data[k])):
            raise src.error(k, why)
    return data


def _find(folder: Path, name: str) -> Path:
    for base in (folder, SCHEMAS):
        if (base / name).exists():
            return base / name
    raise ResourceError(folder / name, None, "a resource file of that name")


def _compiles(pattern: str) -> str | None:
    try:
        regex.compile(pattern)
    except (regex.error, TypeError) as e:
        return f"a pattern the regex module compiles ({e})"
    return None


def _why(kind: str, v: Any) -> str | None:
    """None if `v` is of `kind` (the kinds of schema.toml), else what was expected."""
    if kind.startswith("map["):
        if not isinstance(v, dict):
            return f"a table, found {v!r}"
        for k, item in v.items():
            if all(_why(alt, item) for alt in kind[4:-1].split("|")):
                return f"a table of {kind[4:-1]}, found {k} = {item!r}"
        return None
    if kind.startswith("list"):
        if not isinstance(v, list):
            return f"a list, found {v!r}"
        inner = kind[5:-1] if kind.startswith("list[") else None
        bad = next((x for x in v if inner and _why(inner, x)), None) if inner else None
        return f"a list of {inner}, found {bad!r}" if bad is not None else None
    if kind in ("str", "regex"):
        if not isinstance(v, str):
            return f"a string, found {v!r}"
        return _compiles(v) if kind == "regex" else None
    if kind == "int":
        return None if isinstance(v, int) and not isinstance(v, bool) else f"an integer, found {v!r}"
    if kind == "number":
        return None if isinstance(v, (int, float)) and not isinstance(v, bool) else f"a number, found {v!r}"
    if kind == "bool":
        return None if isinstance(v, bool) else f"true or false, found {v!r}"
    vocab = _vocabulary()
    if kind in vocab:
        return None if v in vocab[kind] else f"one of {list(vocab[kind])}, found {v!r}"
    raise ValueError(f"schema.toml: unknown kind {kind!r}")


def _csv(folder: Path, name: str, spec: dict) -> tuple[dict, ...]:
    """Rows of a CSV resource ('#' lines are comments), checked against its spec."""
    src = _Source(_find(folder, name))
    numbered = [(i, ln) for i, ln in enumerate(src.text.splitlines(keepends=True), 1)
                if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(ln for _, ln in numbered)
    columns = spec.get("columns", [])
    if reader.fieldnames is None or [c for c in columns if c not in reader.fieldnames]:
        raise ResourceError(src.path, numbered[0][0] if numbered else None,
                            f"a header with the columns {columns}, found {reader.fieldnames}")
    vocab = _vocabulary()
    rows = []
    for row in reader:
        line = numbered[min(reader.line_num, len(numbered)) - 1][0]
        if None in row or any(v is None for v in row.values()):
            raise ResourceError(src.path, line, f"{len(reader.fieldnames)} columns {reader.fieldnames}")
        row = {k: v.strip() for k, v in row.items()}
        for col in spec.get("regex", []):
            if (why := _compiles(row[col])):
                raise ResourceError(src.path, line, f"column {col}: {why}")
        for col, voc in spec.get("enum", {}).items():
            if row[col] not in vocab[voc]:
                raise ResourceError(src.path, line, f"column {col}: one of {vocab[voc]}, found {row[col]!r}")
        for col, allowed in spec.get("choice", {}).items():
            if row[col] not in allowed:
                raise ResourceError(src.path, line, f"column {col}: one of {allowed}, found {row[col]!r}")
        for col in spec.get("bool", []):
            if row[col] not in ("0", "1"):
                raise ResourceError(src.path, line, f"column {col}: 0 or 1, found {row[col]!r}")
        rows.append(row)
    return tuple(rows)


@functools.cache
def _vocabulary() -> dict[str, tuple[str, ...]]:
    """The closed vocabularies of schemas/vocabularies.toml (the tables' contract)."""
    with open(SCHEMAS / "vocabularies.toml", "rb") as f:
        return {k: tuple(v) for k, v in tomllib.load(f).items()}


# ---- compiling ----------------------------------------------------------------

def _longest_first(words, escape: bool = True) -> str:
    """One alternation of `words`, the longest first (so that "GPU hours" wins over "GPU")."""
    words = sorted(set(words), key=len, reverse=True)
    return "|".join(regex.escape(w) if escape else w for w in words)


def _alternation(words, flags=0, boundary=True) -> regex.Pattern:
    tail = r"(?![\p{L}\d])" if boundary else ""
    return regex.compile(f"(?:{_longest_first(words)}){tail}", flags)


def _fill(template: str, **parts: str) -> str:
    """A template of the resource files with its <<name>> parts filled in."""
    for k, v in parts.items():
        template = template.replace(f"<<{k}>>", v)
    return template


def _backwards_if_anchored(p: regex.Pattern) -> regex.Pattern:
    r"""A pattern that ends at the end of the text (\Z) and may start
    anywhere, compiled to search from the end: the engine starts where a
    match must end instead of trying every position. Such patterns are only
    asked whether they match. (One anchored at both ends, \A...\Z, is
    matched from its start as written.)"""
    if p.pattern.endswith(r"\Z") and r"\A" not in p.pattern:
        return regex.compile(p.pattern, p.flags | regex.REVERSE)
    return p


def _units(q: dict, phys_rows: tuple[dict, ...], max_digits: int) -> Units:
    phys = {r["surface"]: r for r in phys_rows}
    cards = {k.casefold(): float(v) for k, v in q["cardinals"].items()}
    number = r"(?P<sign>" + q["sign"] + r")?(?P<num>" + q["digits"] + ")"
    return Units(
        number=regex.compile(q["number_before"] + number),
        number_after_slash=regex.compile(number),
        number_only=regex.compile(q["digits"]),
        exponent=regex.compile(q["exponent"]),
        reference_before=guarded(regex.compile(q["reference_before"])),
        latex_wrap=regex.compile(q["latex_wrap"]),
        latex_openers=opening_characters(q["latex_wrap"]),
        space=regex.compile(q["unit_space"]),
        factor=_alternation(q["factor_tokens"]),
        percent=regex.compile("|".join(
            regex.escape(w) + (r"(?![\p{L}])" if w[-1].isalpha() else "")
            for w in sorted(q["percent_tokens"], key=len, reverse=True))),
        points=_alternation(q["points_tokens"]),
        metric=_alternation(q["metric_unit_tokens"]),
        physical=_alternation(phys),
        physical_map=phys,
        physical_folded={k.casefold(): v for k, v in sorted(phys.items(), reverse=True)},
        connector=regex.compile(r"[ \u00a0]{0,6}(?:" + "|".join(
            regex.escape(c) if not c.isalpha() else r" " + c + r" "
            for c in sorted(q["range_connectors"], key=len, reverse=True)) + r")[ \u00a0]{0,3}"),
        # LaTeX may close the one and open the other: "$79.2\%$ and $78.5\%$";
        # a symbol may qualify the next: "100%, 100%, and >97%"
        list_gap=guarded(regex.compile(
            r"\A" + q["latex_wrap"] + r"\s*(?:" + _longest_first(q["list_connectors"])
            + r")\s*(?:(?:and|or)\s+)?\$?\{?(?:(?:[<>≤≥~≈]|\\(?:geq|leq|ge|le|sim|approx)\b)\s*)?\Z"
            + r"|\A(?:" + q["list_bracket"] + r")\Z")),
        openers=guarded(_alternation(q["range_openers"], regex.I)),
        between=guarded(regex.compile(r"(?i)\b(?:" + "|".join(q["between_words"]) + r")\s+\Z")),
        factor_values={k.casefold(): float(v) for k, v in q["factor_words"].items()},
        word_qualifiers={k.casefold(): v for k, v in q["word_qualifiers"].items()},
        fraction_values={k.casefold(): float(v) for k, v in q["fraction_words"].items()},
        cardinals=cards,
        verbal=frozenset(w.casefold() for w in q["verbal_factor_words"]),
        verbal_object=guarded(regex.compile(r"(?i)\s+(?:" + "|".join(q["factor_word_objects"]) + r")\b")),
        never_claims=frozenset(q["never_claim_rules"]),
        max_digits=max_digits,
        glued_only=frozenset(q["glued_only_units"]),
        factor_before=guarded(regex.compile(q["factor_before"], regex.REVERSE)),
        bare_range_factor=regex.compile(q["bare_range_factor"]),
        prefix_factor=regex.compile(q["prefix_factor"]),
        open_rate=regex.compile(q["open_rate"]),
        open_rate_claim_type=q["open_rate_claim_type"],
        rate_magnitudes={w: (m["prefix"], float(m["factor"])) for m in q["rate_magnitude"] for w in m["written"]},
        magnitude_rates=frozenset(q["magnitude_rates"]),
    )


def _number_word_patterns(q: dict, phys: Mapping[str, dict]) -> list[str]:
    """The four number-word patterns, in NUMBER_WORDS order (find/quantities.py)."""
    card_alt = _longest_first(q["cardinals"])
    factor_alt = "(?:" + "|".join(regex.escape(f) for f in q["factor_suffixes"]) + ")"
    phys_words = [s for s in phys if len(s) > 2 and s.isalpha()]
    return [
        "(?:" + _longest_first(q["factor_words"]) + r")(?![\p{L}-])",                 # "twice"
        rf"(?P<w>{card_alt})[ -]?(?P<u>{factor_alt})(?![\p{{L}}])",                   # "two times"
        rf"(?P<w>{card_alt}) (?P<u>{_longest_first(phys_words)})(?![\p{{L}}])",       # "two hours"
        "(?:" + _longest_first(q["fraction_words"]) + r")(?![\p{L}-])",               # "half"
    ]


def _si_factors(unit_rows: tuple[dict, ...], q: dict | None = None,
                src: _Source | None = None) -> dict[str, tuple[float, str]]:
    """Canonical unit -> (multiplier, SI unit), as pint converts one of it
    (units.csv: the pint expression and the SI target; schemas/units.txt
    adds FLOP, token, parameter, ...). Units pint cannot convert are left out.
    With quantities.toml `q` (read from `src`): also each rate of
    magnitude_rates with the SI prefix of each rate_magnitude ("ktoken/s"),
    as pint converts it; a prefix pint does not read as the magnitude's
    factor is an error of the file."""
    import pint
    ureg = pint.UnitRegistry(cache_folder=None)
    ureg.load_definitions(str(SCHEMAS / "units.txt"))
    exprs: dict[str, tuple[str, str]] = {}
    for row in unit_rows:
        if row["pint"] and row["si"]:
            exprs.setdefault(row["unit"], (row["pint"], row["si"]))
    out = {}
    for unit, (expr, target) in exprs.items():
        try:
            quantity = ureg.Quantity(1.0, expr).to(target)
        except (pint.errors.PintError, ValueError, AttributeError):
            continue
        out[unit] = (float(quantity.magnitude), str(quantity.units))
    if q is None or src is None:
        return out
    for rate in q["magnitude_rates"]:
        if rate not in out:
            raise src.error("magnitude_rates", f"a unit units.csv converts to SI, found {rate!r}")
    for nth, mag in enumerate(q["rate_magnitude"]):
        prefix, factor = mag["prefix"], float(mag["factor"])
        for rate in q["magnitude_rates"]:
            expr, target = exprs[rate]
            try:
                quantity = ureg.Quantity(1.0, prefix + expr).to(target)
            except (pint.errors.PintError, ValueError, AttributeError) as e:
                raise src.error("rate_magnitude", f"prefix {prefix!r}: an SI prefix pint reads before "
                                                  f"{expr!r} ({e})", nth) from None
            if not math.isclose(quantity.magnitude, factor * out[rate][0], rel_tol=1e-9):
                raise src.error("rate_magnitude", f"prefix {prefix!r}: factor "
                                                  f"{quantity.magnitude / out[rate][0]:g} as pint reads it, "
                                                  f"found {factor:g}", nth)
            out.setdefault(prefix + rate, (float(quantity.magnitude), str(quantity.units)))
    return out


def _check_rate_magnitudes(q: dict, units: Units, src: _Source) -> None:
    """Every written magnitude is a glued-only unit or a word an open rate
    may start with (quantities.toml rate_magnitude)."""
    for nth, mag in enumerate(q["rate_magnitude"]):
        for w in mag["written"]:
            if w not in units.glued_only and not units.open_rate.fullmatch(f"{w} events per second"):
                raise src.error("rate_magnitude", f"written {w!r}: one of glued_only_units or a word "
                                                  f"open_rate reads before a rate", nth)


def _open_benchmarks(b: dict) -> dict[str, Any]:
    """benchmarks.toml compiled: one pattern finds every candidate (a
    preposition or an opening bracket, a run of name words, a benchmark noun)."""
    word = r"(?<![\p{L}\d\-])" + b["word"]
    # names of a list, each perhaps with its score in brackets: "HelixQA (+2.1%) and ZebraQA"
    joiner = r"(?:\s*\([^()]{1,20}\))?(?:\s|\s*,\s*(?:and\s+)?|\s+and\s+)"
    candidate = (r"(?P<pre>(?<![\p{L}\-])" + b["prepositions"] + r"\s+(?:" + b["determiners"] + r"\s+)?(?:"
                 + b["adjectives"] + r"\s+){0,2})?(?P<open>\(\s*)?(?P<name>" + b["word"] + r"(?:" + joiner + word
                 + r"){0," + str(int(b["max_words"]) - 1) + r"})(?P<noun>\s+" + b["nouns"] + r")?")
    return {
        "candidate": regex.compile(r"(?<![\p{L}\d\-])" + candidate),
        "strong": regex.compile(b["strong"]),
        "bracketed": regex.compile(b["bracketed"]),
        "count_before": guarded(regex.compile(r"(?<![\p{L}\d])" + b["counts"] + r"\s+\Z")),
        "model": regex.compile(b["model"]),
        "not_names": frozenset(b["not_names"]),
        "list_split": guarded(regex.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")),
        "score_slot": guarded(regex.compile(b["score_slot"])),
        "frame_start": guarded(regex.compile(b["frame_start"])),
        "frame_end": guarded(regex.compile(b["frame_end"])),
        "inside_names": frozenset(b["inside_names"]),
    }


def _constructions(src_data: dict, folder: Path) -> dict[str, tuple[Construction, ...]]:
    stages: dict[str, list[Construction]] = {}
    seen: set[str] = set()
    for row in src_data["construction"]:
        if row["id"] in seen:
            raise ResourceError(folder / "constructions.toml", None, f"a unique id, found {row['id']!r} twice")
        seen.add(row["id"])
        stages.setdefault(row["stage"], []).append(Construction(
            row["id"], row["stage"], row["spec"],
            frozenset(row["kinds"]) if "kinds" in row else None,
            tuple(row.get("when", ())), dict(row.get("then", {})), tuple(row.get("suite", ()))))
    return {k: tuple(v) for k, v in stages.items()}


_PIECE = regex.compile(r"<<(\w+)>>")
_FILTERS = ("upper", "lower", "title", "alias")


def _devices(folder: Path, schema: dict, cardinals: Mapping[str, float]
             ) -> tuple[list[str], tuple[Device, ...], Hardware]:
    """The device grammar (devices.toml): the scan's patterns, one Device per
    pattern, and the rules of counts, usage and claims. Each form becomes
    boundary + optional vendor and product-line words + form, with its
    <<pieces>> filled; it must compile, give its template the groups it
    names, and start with (or contain) a literal for the scan's prefilter."""
    from .find.devices import template as read_template
    from .gazetteer import leading_literals
    data = _toml(folder, "devices.toml", schema)
    src = _Source(_find(folder, "devices.toml"))
    pieces = dict(data["pieces"])

    def fill(pattern: str, extra: Mapping[str, str], where: tuple[str, str, int]) -> str:
        for _ in range(8):
            done = _PIECE.sub(lambda m: f"(?:{extra.get(m[1], pieces.get(m[1]))})"
                              if m[1] in extra or m[1] in pieces else m[0], pattern)
            if done == pattern:
                break
            pattern = done
        if (left := _PIECE.search(pattern)):
            raise src.error(where[0], f"[[{where[0]}]] {where[1]}: a piece named {left[1]!r} in [pieces]", where[2])
        return pattern

    bound = data["boundary"]
    classes = {c["id"] for c in data.get("class", ())}
    patterns: list[str] = []
    devices: list[Device] = []
    for role, table in (("family", "family"), ("class", "class"), ("proposed", "proposed")):
        for nth, rec in enumerate(data.get(table, ())):
            where = (table, rec["id"], nth)
            vendor = rec.get("vendor") if role == "family" else None
            words = rec.get("vendor_words", f"(?i:{regex.escape(vendor)})" if vendor else "")
            extra = {"vendor": f"(?P<vendorword>{words})(?:'s)?"} if words else {}
            # each word its own (flagged) group: the parser would factor out a shared first letter
            # ("GeForce|GTX" -> "G"), and the scan would try the form at every "G"
            words_alt = "|".join(f"(?-i:{regex.escape(w)})"
                                 for w in sorted(rec.get("line_words", ()), key=len, reverse=True))
            line = f"(?:(?:{words_alt})\\s+)?" if words_alt else ""
            template = read_template(rec["canonical"])
            covers = rec.get("covers", [rec["kind"]] if rec["kind"] in classes else [])
            if (unknown := set(covers) - classes):
                raise src.error(table, f"[[{table}]] {rec['id']}: covers, ids of [[class]] records, "
                                       f"found {sorted(unknown)}", nth)
            for f in template.fields():
                if f.how and f.how not in _FILTERS:
                    raise src.error(table, f"[[{table}]] {rec['id']}: canonical filter one of {_FILTERS}, "
                                           f"found {f.how!r}", nth)
            for form in rec["forms"]:
                prefix = ""
                if role == "family" and "<<vendor>>" not in form:
                    prefix = ("(?:<<vendor>>[\\s-]+)?" if words else "") + line
                body = fill(prefix + form, extra, where)
                before = bound["class_before"] if role == "class" else bound["before"]
                whole = f"{before}(?:{body}){bound['after']}"
                try:
                    compiled = regex.compile(whole)
                except regex.error as e:
                    raise src.error(table, f"[[{table}]] {rec['id']}: forms, a pattern the regex module "
                                           f"compiles ({e}): {form!r}", nth) from None
                needed = template.required() - {"vendor"}
                if (missing := needed - set(compiled.groupindex)):
                    raise src.error(table, f"[[{table}]] {rec['id']}: forms, groups for the canonical "
                                           f"{template.text!r} (missing {sorted(missing)}): {form!r}", nth)
                if leading_literals(whole) is None and required_literal(body) is None:
                    raise src.error(table, f"[[{table}]] {rec['id']}: forms, a pattern that starts with or "
                                           f"contains a literal text (the scan's prefilter): {form!r}", nth)
                nxt = rec.get("next")
                patterns.append(whole)
                devices.append(Device(
                    rec["id"], role, vendor or None, rec["kind"],
                    frozenset(covers), template, rec.get("specific"),
                    regex.compile(fill(nxt, extra, where) + bound["after"]) if nxt else None,
                    tuple((v, regex.compile(p)) for v, p in rec.get("vendor_if", {}).items()),
                    rec.get("platform", True)))
    count, bg, usage, claim = data["count"], data["background"], data["usage"], data["claim"]
    named = {k: guarded(regex.compile(v)) for k, v in {**usage, **claim}.items() if isinstance(v, str)}
    if (missing := [k for k in HARDWARE_PATTERNS if k not in named]):
        raise src.error("usage", f"patterns named {missing} in [usage] or [claim]")
    hardware = Hardware(
        aliases={k.casefold(): v for k, v in data["aliases"].items()},
        count_before=guarded(regex.compile(count["before"])),
        count_not_before=tuple(count["not_before"]),
        count_word_before=guarded(regex.compile(count["word_before"])),
        count_hyphen=guarded(regex.compile(count["hyphen_before"])),
        count_words={**cardinals, **{k.casefold(): v for k, v in data["count_words"].items()}},
        count_gap=count["gap"],
        own_work=guarded(regex.compile(bg["own_work"])),
        example_before=guarded(regex.compile(r"(?i)(?:" + "|".join(bg["example_before"])
                                             + r")[\s/]+(?:[^\s/]+[\s/]+){0,4}\Z")),
        patterns=named,
        platform_types=frozenset(claim["platform_types"]),
        host_kinds=frozenset(claim["host_kinds"]),
        kind_words=tuple((k, guarded(regex.compile(v))) for k, v in data["kind_words"].items()),
        window=dict(data["window"]),
    )
    return patterns, tuple(devices), hardware


def load(folder: Path | str = RESOURCES, max_digits: int = 18) -> Rules:
    """The rules of the resource files in `folder` (schemas/ for the vocabularies)."""
    folder = Path(folder)
    with open(_find(folder, "schema.toml"), "rb") as f:
        schema = tomllib.load(f)
    t = lambda name: _toml(folder, name, schema)                # noqa: E731
    c = lambda name: _csv(folder, name, schema.get(name, {}))  # noqa: E731
    reading, sentences, q = t("reading.toml"), t("sentences.toml"), t("quantities.toml")
    cues_toml, context, attrs = t("cues.toml"), t("context.toml"), t("attributes.toml")
    constructions, bench = t("constructions.toml"), t("benchmarks.toml")
    dataset_rows, metric_rows, unit_rows = c("datasets.csv"), c("metrics.csv"), c("units.csv")
    system_rows = c("systems.csv")
    vocab = _vocabulary()

    units = _units(q, unit_rows, max_digits)
    q_source = _Source(_find(folder, "quantities.toml"))
    _check_rate_magnitudes(q, units, q_source)
    device_patterns, devices, hardware = _devices(folder, schema, units.cardinals)
    # metric names written in capitals ("AP", "EM", "IS") are matched as written, also as cues
    metric_flags = [0 if r["pattern"].isupper() else regex.I for r in metric_rows]
    cue_rows = list(cues_toml["cue"]) + [{"id": "accuracy.metrics_csv", "type": "accuracy", "measure": "score",
                                          "pattern": "|".join(f"(?-i:{r['pattern']})" if f == 0 else r["pattern"]
                                                              for r, f in zip(metric_rows, metric_flags))}]
    a_base, a_subj, wrap = attrs["baseline"], attrs["subject"], attrs["wrap"]
    gazetteers = {
        "devices": Gazetteer(device_patterns),
        "benchmarks": Gazetteer([r["pattern"] for r in dataset_rows], WORD_BEFORE, WORD_AFTER),
        "metrics": Gazetteer([r["pattern"] for r in metric_rows], WORD_BEFORE, WORD_AFTER, metric_flags),
        "cues": Gazetteer([r["pattern"] for r in cue_rows], WORD_BEFORE, WORD_AFTER, regex.I),
        "number_words": Gazetteer(_number_word_patterns(q, units.physical_map), NUMBER_WORD_BEFORE, "", regex.I),
        "baseline_phrases": Gazetteer([a_base["after"], a_base["verbs"]], r"(?<![\p{L}\-])", r"\s+", regex.I),
    }
    share_prefix = context["patterns"]["share_of"]
    cues = tuple(Cue(r["id"], r["type"], r["measure"], e.pattern, r.get("factor_type"),
                     regex.compile(share_prefix + _scoped(e.pattern)), bool(r.get("weak", False)))
                 for r, e in zip(cue_rows, gazetteers["cues"].entries))
    metrics = tuple(Metric(r["name"], r["percentage"] == "1", r["lower_is_better"] == "1", e.pattern, r["written"])
                    for r, e in zip(metric_rows, gazetteers["metrics"].entries))
    nc = cues_toml["not_claim"]
    patterns = {k: guarded(_backwards_if_anchored(regex.compile(v))) for k, v in context["patterns"].items()}
    from .find.quantities import reader as quantity_reader
    units = replace(units, reader=quantity_reader(units, patterns.get("and_between")))
    constructions_by_stage = _constructions(constructions, folder)
    return Rules(
        folder=folder,
        reading_markup=regex.compile(_fill(reading["markup_template"],
                                           markup_commands=_longest_first(reading["markup_commands"]),
                                           dropped_commands=_longest_first(reading["dropped_commands"]))),
        reading_fonts=regex.compile(_fill(reading["font_template"],
                                          font_commands=_longest_first(reading["font_commands"]))),
        reading_blank=regex.compile(reading["blank"]),
        reading_symbols=tuple((regex.compile(k), v, required_literal(k)) for k, v in reading["symbols"].items()),
        math_dollar=regex.compile(reading["math_dollar"]),
        breaks=reading["breaks"],
        sentence_end=regex.compile(sentences["sentence_end"]),
        abbreviations=frozenset(a.lower() for a in sentences["abbreviations"]),
        abbreviation_reach=int(sentences["abbreviation_reach"]),
        units=units,
        cues=cues,
        relative_of=dict(cues_toml["relative_of"]),
        cue_word=guarded(regex.compile(r"(?i)(?:" + "|".join(r["pattern"] for r in cues_toml["cue"]) + r")")),
        not_claim={
            "after": guarded(regex.compile(r"(?i)\A\s*(?:" + nc["after"] + "|" + nc["breakdown_after"] + ")")),
            "before": guarded(regex.compile(r"(?i)(?:" + nc["before"] + "|" + nc["breakdown_before"] + r")\Z",
                                            regex.REVERSE)),
            "bigger": guarded(regex.compile(r"(?i)\A\s*" + nc["bigger"])),
            "trend": guarded(regex.compile(r"(?i)" + nc["trend"])),
            "factor_after": guarded(regex.compile(r"(?i)\A\s*(?:" + nc["factor_after"] + r")\b")),
        },
        metrics=metrics,
        metric_by_name={m.name.lower(): m for m in reversed(metrics)},
        benchmarks=tuple(r["name"] for r in dataset_rows),
        devices=devices,
        hardware=hardware,
        open_benchmarks=_open_benchmarks(bench),
        systems=regex.compile(r"(?i)(?:" + "|".join(r["pattern"] for r in system_rows) + r")"),
        window=dict(context["window"]),
        context=patterns,
        qualifier_before=tuple((k, guarded(regex.compile(_fill(wrap["qualifier_before"], p=v), regex.REVERSE)))
                               for k, v in attrs["qualifier_before"].items()),
        qualifier_after=tuple((k, guarded(regex.compile(_fill(wrap["qualifier_after"], p=v))))
                              for k, v in attrs["qualifier_after"].items()),
        direction={k: guarded(regex.compile(_fill(wrap["direction"], p=v))) for k, v in attrs["direction"].items()},
        worse=guarded(regex.compile(_fill(wrap["worse"], p=attrs["worse"]["pattern"]))),
        baseline_end=regex.compile(_fill(wrap["baseline_end"], stop_words=a_base["stop_words"])),
        baseline_list_end=regex.compile(_fill(wrap["baseline_list_end"], stop_words=a_base["stop_words"])),
        baseline_max_words=int(a_base["max_words"]),
        subject_verb=guarded(regex.compile(_fill(wrap["subject_verb"], adverbs=a_subj["adverbs"],
                                                 verbs=a_subj["verbs"]))),
        merit_of=guarded(regex.compile(_fill(wrap["merit_of"], merit_of=a_subj["merit_of"]), regex.REVERSE)),
        presents=guarded(regex.compile(r"(?i)\b(?:we\s+)?(?:" + a_subj["presents"]
                                       + r")\s+(?:(?:the|a|an)\s+)?\Z", regex.REVERSE)),
        not_names=frozenset(a_subj["not_names"]) | frozenset(units.physical_map),
        not_name_suffixes=tuple(a_subj["not_name_suffixes"]),
        fallback_to_first_name=bool(a_subj.get("fallback_to_first_name", True)),
        metric_modifier=regex.compile(attrs["metric"]["modifier"]),
        metric_modifier_stop=regex.compile(_fill(attrs["metric"]["modifier_stop"], verbs=a_subj["verbs"])),
        metric_max_modifiers=int(attrs["metric"]["max_modifiers"]),
        constructions=constructions_by_stage,
        construction_ids=frozenset(r.id for rs in constructions_by_stage.values() for r in rs),
        vocabulary=vocab,
        si=_si_factors(unit_rows, q, q_source),
        scanner=Scanner(gazetteers),
        relative_types=frozenset(vocab["relative_claim_type"]),
    )


def _scoped(p: regex.Pattern) -> str:
    """A compiled pattern as a part of a larger one, with its own case flag."""
    return f"(?{'i' if p.flags & regex.I else '-i'}:{p.pattern})"


@functools.cache
def default() -> Rules:
    """The project's rules, loaded once per process: for the edges (the build,
    the CLI, tests); components take the rules as an argument."""
    return load()
