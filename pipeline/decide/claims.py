"""Claims of one sentence: which quantities are claims, of what type and form.

`classify(doc, span, rules)` picks the cue of each quantity of a sentence
(pipeline/decide/cues.py), then runs the construction records of the
stages gate, cue, type, form and change (resources/constructions.toml) over
the quantity's situation; `factor`, `qualifier` and `direction` are then
computed as claims-spec section 4 defines them. Each claim's `rule` is the
chain of the construction ids that made it. Attributes (subject,
baseline, ...) come later (pipeline/decide/attributes.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import regex

from ..doc import Doc, Hit
from ..records import Claim, Mention
from ..rules import Cue, Metric, Rules
from . import cues as cue_finding
from .engine import fire


@dataclass
class Situation:
    """Everything the construction records may ask about one quantity: its
    kind, windows, cue, the sentence's flags, and the decision so far."""
    rules: Rules
    doc: Doc
    span: tuple[int, int]
    mention: Mention
    w: Window
    cue: Cue | None
    pick: str
    on_hardware: bool
    on_benchmark: bool
    changed_before: bool = False
    score_sibling: bool = False
    sibling_change: bool = False   # a parallel phrase's neighbour is a relative change
    sibling_direction: str | None = None   # ... and the direction of its change
    first_cue: Cue | None = None   # the cue picked, before a construction of stage cue replaced it
    type: str | None = None
    form: str | None = None
    measure: str | None = None     # the measure the factor reads, where a construction sets it
    _facts: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.mention.kind

    def left(self, chars: int | None) -> str:
        return self.w.left if chars is None else self.w.left[-chars:]

    def right(self, chars: int | None) -> str:
        return self.w.right if chars is None else self.w.right[:chars]

    def cue_attr(self, attr: str) -> str | None:
        return getattr(self.cue, attr) if self.cue else None

    def fact(self, name: str) -> bool:
        if name not in self._facts or name in _STATEFUL:
            try:
                fn = FACTS[name]
            except KeyError:
                from ..errors import ResourceError
                raise ResourceError(self.rules.folder / "constructions.toml", None,
                                    f"a fact of pipeline/decide/claims.py FACTS, found {name!r}") from None
            self._facts[name] = bool(fn(self))
        return self._facts[name]

    # ---- what the facts read ----
    def ww(self, name: str) -> int:
        return int(self.rules.window[name])

    def metric(self) -> Metric | None:
        """The metric of a score: written as its unit ("1.7 mAP"), else named near it."""
        return self.metric_as_written()[0]

    def metric_as_written(self) -> tuple[Metric | None, str | None]:
        """The metric of a score and how the text writes it (claims-spec
        section 4, constructions K17: "top1 accuracy", "error rates")."""
        if "_metric" not in self._facts:
            m = self.mention
            known = self.rules.metric_by_name.get(m.metric.lower()) if m.metric else None
            # "45.1 AP$^{box}$": the metric unit heads a longer name of metrics.csv, kept as written (K17)
            read, at = self.doc.read, m.end
            while at < len(read) and read[at].isspace():
                at += 1
            longer = [h for h in self.doc.metrics if known and h.start == at and h.end - h.start > len(m.metric)]
            if longer:
                h = max(longer, key=lambda h: h.end)
                self._facts["_metric"] = (h.value, written_metric(self.doc, h, self.span[0], self.rules))
            elif known:
                self._facts["_metric"] = (known, m.metric)
            elif (measure := _pair_measure(self)) is not None:
                self._facts["_metric"] = measure
                self._facts["_metric_rule"] = "metric.pair_measure"
            # measured from the end of the score's list ("0.78 and 0.76 Spearman correlation")
            elif (h := metric_near(self.doc, self.span, m.start, self.rules, max(m.end, self.w.right_start))) is not None:
                self._facts["_metric"] = (h.value, written_metric(self.doc, h, self.span[0], self.rules))
            else:
                self._facts["_metric"] = (None, None)
        return self._facts["_metric"]


Window = cue_finding.Window


def _is_setting(s: Situation) -> bool:
    nc = s.rules.not_claim
    if nc["bigger"].match(s.w.right) or nc["trend"].search(s.w.left):
        return True
    # "naive sharding can be orders of magnitude slower": motivation, not a result (K1)
    if s.rules.pattern("hedged_before").search(s.w.left) and s.rules.pattern("hedged_after").match(s.w.right):
        return True
    if s.kind == "factor":
        return bool(nc["factor_after"].match(s.w.right))
    # "attention takes 64% of runtime": a part's share of the whole (K1)
    if s.rules.pattern("breakdown_share_right").match(s.w.right) \
            and s.rules.pattern("breakdown_share_left").search(s.w.left):
        return True
    if nc["after"].match(s.w.right):
        # "solves 41.2% of the tasks" is a score, though "of the tasks" marks a count
        return not s.rules.pattern("score_share_left").search(s.w.left)
    return bool(nc["before"].search(s.w.left))


def _left_end(s: Situation) -> int:
    """Where the left window ends: the start of the quantity (or its list)."""
    return s.w.left_start + len(s.w.left)


def _benchmark_bracket_before(s: Situation) -> bool:
    end = _left_end(s)
    return cue_finding.benchmark_before_bracket(s.doc, end - len(s.left(s.ww("benchmark_bracket"))), end, s.rules)


def _bare_score(s: Situation) -> bool:
    m = s.mention
    if m.value > 100 or m.rule == "num.year":
        return False
    n = s.ww("score_context")
    left_end = _left_end(s)
    left_start = left_end - len(s.left(n))
    right_end = s.w.right_start + len(s.right(n))
    return (cue_finding.metric_before(s.doc, left_start, left_end, s.rules)
            or cue_finding.metric_at(s.doc, s.w.right_start, right_end)
            # "a 0.35 drop in METEOR", "a 2.1-point loss in exact match" (K6)
            or ((c := s.rules.pattern("change_to_metric").match(s.doc.read, s.w.right_start, right_end)) is not None
                and cue_finding.metric_at(s.doc, c.end(), right_end))
            or cue_finding.benchmark_after(s.doc, s.w.right_start, right_end, s.rules) is not None
            or cue_finding.benchmark_before_bracket(s.doc, left_start, left_end, s.rules)
            or (s.on_benchmark and bool(s.rules.pattern("score_verb_before").search(s.left(n)))))


def _change_words(s: Situation) -> bool:
    n = s.ww("change_words")
    return bool(s.rules.pattern("efficiency_change").search(s.left(n) + " # " + s.right(n)))


def _changed_score(s: Situation) -> bool:
    n = s.ww("change_words")
    p = s.rules.pattern
    return bool(p("change_left").search(s.left(n)) or p("change_right").match(s.w.right)
                or s.mention.sign in ("+", "-", "−") or s.changed_before
                or p("change_over_of").search(s.left(s.ww("left"))))


def _bracket_owner(s: Situation) -> bool:
    """The value stands in brackets right after a system's name ("than T5 (34.89%)"),
    not a benchmark's or a metric's."""
    end = _left_end(s)
    lo = max(s.span[0], end - s.ww("left"))
    m = s.rules.pattern("bracket_owner").search(s.doc.read, lo, end)
    if m is None:
        return False
    start = m.start("name")
    return not any(h.start <= start < h.end for h in (*s.doc.benchmarks, *s.doc.metrics))


def _score_pair(s: Situation) -> bool:
    """An end of a before/after pair of scores after a verb of change
    ("improves X from 17.4% to 57.3%"); a plain number only with decimals
    ("from 2.7 to 4.3", not "from 8 to 32"); not what a setting changes
    ("the pruning ratio from 30% to 50%")."""
    if s.kind == "bare" and "." not in s.mention.text:
        return False
    p = s.rules.pattern
    before = s.doc.read[max(s.span[0], s.mention.start - s.ww("left")):s.mention.start]
    if not ((p("score_pair_from").search(s.w.left) and p("pair_to").match(s.w.right))
            or p("score_pair_end").search(before)):
        return False
    # the clause of the verb: "the share of synthetic data rises from ..."
    verbs = list(p("pair_verb").finditer(before))
    breaks = list(p("clause_break").finditer(before, 0, verbs[-1].start() if verbs else len(before)))
    return not p("pair_setting").search(before, breaks[-1].end() if breaks else 0)


FACTS = {
    "never_claim_rule": lambda s: s.mention.rule in s.rules.units.never_claims,
    "setting": _is_setting,
    "unit_has_claim_type": lambda s: bool(_unit_claim_type(s.mention, s.rules)),
    # "on a single 32GB GPU", "two 80GB A100s": the memory of a device, no result (K1)
    "device_capacity": lambda s: _unit_claim_type(s.mention, s.rules) == "memory_usage" and any(
        h.char_start >= s.mention.end and s.rules.pattern("device_capacity_gap").fullmatch(
            s.doc.read, s.mention.end, h.char_start) for h in s.doc.devices),
    "no_cue": lambda s: s.cue is None,
    "signed": lambda s: s.mention.sign is not None,
    "weak_cue": lambda s: s.cue is None or s.pick in ("pick.right_far", "pick.left_far"),
    "benchmark_after": lambda s: cue_finding.benchmark_after(
        s.doc, s.w.right_start, s.w.right_start + len(s.w.right), s.rules) is not None,
    "benchmark_bracket_before": _benchmark_bracket_before,
    "on_hardware": lambda s: s.on_hardware,
    "on_benchmark": lambda s: s.on_benchmark,
    # "On the Quokka benchmark, Oriel obtains 44.1%": the sentence opens with its benchmark (K9)
    "benchmark_frame": lambda s: s.on_benchmark and bool(s.rules.pattern("benchmark_frame").match(
        s.doc.read, s.span[0], s.span[1])) and any(s.span[0] <= h.start < s.mention.start for h in s.doc.benchmarks),
    "cue_relative": lambda s: s.cue is not None and s.cue.type in s.rules.relative_types,
    "cue_accuracy": lambda s: s.cue is not None and s.cue.type == "accuracy",
    "cue_has_factor_type": lambda s: bool(s.cue and s.cue.factor_type),
    "change_words": _change_words,
    # a number of a parallel phrase is a change when its neighbour is
    # ("saves 61.24% bandwidth on A, 83.68% on B")
    "changed": lambda s: _change_words(s) or s.fact("share_marker") or s.sibling_change,
    "share_marker": lambda s: bool(s.rules.pattern("of_right").match(s.w.right)) or s.fact("to_left"),
    "by_left": lambda s: bool(s.rules.pattern("by_left").search(s.w.left)),
    # "reduces X to 10%", "in 47.2% of the time"; not "needs 30% less memory"
    "to_left": lambda s: bool(s.rules.pattern("to_left").search(s.w.left))
    and not s.rules.pattern("comparative_right").match(s.w.right),
    "share_of_cue": lambda s: bool(s.cue and s.cue.share_of.match(s.w.right)),
    "score_sibling": lambda s: s.score_sibling,
    "bare_score": _bare_score,
    "type_relative": lambda s: s.type in s.rules.relative_types,
    "type_accuracy": lambda s: s.type == "accuracy",
    "form_absolute": lambda s: s.form == "absolute",
    "changed_score": _changed_score,
    # the end of a range of changes: "by 63% on A to 116% on B" (not "a 20% improvement to 62.2%")
    "range_of_changes": lambda s: s.changed_before and bool(s.rules.pattern("range_of_changes").search(
        s.doc.read, s.span[0], s.mention.start)),
    "metric_not_percentage": lambda s: s.metric() is not None and not s.metric().percentage,
    "bracket_owner": _bracket_owner,
    # an error cut by a large share is cut relatively ("reduces error rates by 58%"),
    # by a small one absolutely ("a 0.1% WER degradation")
    "large_cut_of_error": lambda s: s.metric() is not None and s.metric().lower_is_better
    and s.mention.value >= s.rules.window["relative_error_min"],
    "over_100": lambda s: s.mention.value > 100 or (s.mention.value_max or 0) > 100,
    # "improves X from 17.4% to 57.3%": an end of a before/after pair of scores
    # (a plain number only with decimals: "from 2.7 to 4.3", not "from 8 to 32")
    "score_pair": _score_pair,
    # read in the text, not the windows: "(0.73 vs. 0.06)" is one list, its window around both
    "versus_pair": lambda s: bool(
        s.rules.pattern("versus_after").match(s.doc.read[s.mention.end:s.mention.end + s.ww("near_right")])
        or s.rules.pattern("versus_before").search(s.doc.read[max(0, s.mention.start - s.ww("near_right")):s.mention.start])
        or _figure_of_another_next(s)),
}

_STATEFUL = {"type_relative", "type_accuracy", "form_absolute"}


def _figure_of_another_next(s: Situation) -> bool:
    """The next number of the sentence (not one inside a name) is another's
    figure, compared with this one ("29.4 BLEU, better than the previous best BLEU score of 27.1";
    context.toml versus_figure_of)."""
    read = s.doc.read
    nxt = next((n for n in s.doc.numbers if s.mention.end < n.start < s.span[1]
                and not (read[n.start - 1].isalpha() or read[n.start - 1] in "'’")), None)   # not "WMT'14"
    return nxt is not None and bool(s.rules.pattern("versus_figure_of").search(read, s.mention.end, nxt.start))


def _unit_claim_type(mention: Mention, rules: Rules) -> str | None:
    """The claim type of a value in its unit (units.csv), or a rate of
    anything per second (quantities.toml open_rate)."""
    known = rules.units.physical_map.get(_surface_unit(mention, rules), {}).get("claim_type")
    if known:
        return known
    return rules.units.open_rate_claim_type if mention.unit and mention.unit.endswith("/s") else None


def _surface_unit(mention: Mention, rules: Rules) -> str:
    """The units.csv surface whose canonical unit the mention carries."""
    pm = rules.units.physical_map
    for surface, row in pm.items():
        if row["unit"] == mention.unit and mention.text.rstrip().endswith(surface):
            return surface
    for surface, row in pm.items():
        if row["unit"] == mention.unit:
            return surface
    return ""


def metric_near(doc: Doc, span: tuple[int, int], pos: int, rules: Rules, end: int | None = None) -> Hit | None:
    """The metric named nearest a score, within rules.window metric_near; one
    in the score's own comma-delimited phrase first ("boost extraction
    accuracy by 44.2%, cut hallucinations by 22.5%": accuracy, though
    "hallucinations" is nearer); first the one right before it ("a success
    rate of 67.8% and an SPL of 31.3%"). Its hit: the Metric and where it
    is written."""
    reach = rules.window["metric_near"]
    best = None
    link = rules.pattern("metric_to_value")
    # a metric written right after the score is its own ("25.1% top-1 (7.8% top-5)")
    after = end is not None and cue_finding.metric_at(doc, end, min(span[1], end + reach))
    inside = [h for h in doc.metrics if span[0] <= h.start and h.end <= span[1]]
    # ... and so is the one a comparative puts after it ("14% lower validation loss")
    if end is not None and not after and (c := rules.pattern("comparative_to_metric").match(doc.read, end, span[1])):
        if own := [h for h in inside if h.start == c.end()]:
            return _compound_head(doc, max(own, key=lambda h: h.end), span, rules)
    # "a success rate of 67.8% and an SPL of 31.3%": the one linked to it, the last to end
    linked = [h for h in inside if not after and h.end <= pos and link.fullmatch(doc.read, h.end, pos)]
    if linked:
        return _compound_head(doc, max(linked, key=lambda h: (h.end, h.end - h.start)), span, rules)
    for h in inside:
        # the gap between the names and the number ("16% higher MFU and 14% lower
        # validation loss": the loss, 6 characters after the 14%, not MFU, 8 before),
        # a name after it measured from its first word ("95% source translation
        # accuracy and 37.5% assembly translation accuracy": each its own)
        d = _name_start(doc, h, end, rules) - end if end is not None and h.start >= end else max(0, pos - h.end)
        if d >= reach:
            continue
        # at equal distance the one after the score ("(and 4.8% test error)"), then the longer
        rank = (d + (reach if "," in doc.read[min(h.start, pos):max(h.start, pos)] else 0), h.start < pos,
                -len(h.value.name))
        if best is None or rank < best[0]:
            best = (rank, h)
    return _compound_head(doc, best[1], span, rules) if best else None


def _name_start(doc: Doc, h: Hit, floor: int, rules: Rules) -> int:
    """Where the name of a metric hit starts as the text writes it, not before `floor`."""
    return metric_name_start(doc, h.start, floor, rules) if h.value.written == "phrase" else h.start


_WORD = regex.compile(r"\S+")


def _pair_measure(s: Situation) -> tuple[Metric, str] | None:
    """The measure of a before/after pair of scores that no metric of
    metrics.csv names: "human-rated coherence improves from 2.7 to 4.3",
    "boosts fully correct responses from 0.0% to 13.1%" (constructions K17,
    context.toml pair_measure). The subject keeps its words after the last
    stop word ("and human-rated coherence"); an object with one is none."""
    m = s.rules.pattern("pair_measure").search(s.doc.read, s.span[0], s.mention.start)
    if m is None:
        return None
    after = s.rules.pattern("pair_measure_after").match(s.doc.read[s.mention.end:s.span[1]])
    if cue_finding.metric_at(s.doc, s.mention.end + after.end(), s.span[1]):
        return None         # "from 41.5% to 55.2% top-1 accuracy": the metric after the pair
    group = "subj" if m["subj"] is not None else "obj"
    start, end = m.span(group)
    if any(start <= h.start < end for h in s.doc.metrics):
        return None         # "top-1 accuracy rises from": the metric of metrics.csv names it
    words = list(_WORD.finditer(s.doc.read, start, end))
    stop = s.rules.pattern("pair_measure_stop")
    stops = [i for i, w in enumerate(words) if stop.fullmatch(w.group())]
    if stops and group == "obj" or stops and stops[-1] == len(words) - 1:
        return None
    text = s.doc.read[words[stops[-1] + 1].start() if stops else start:end]
    return Metric(text, False, False, regex.compile(regex.escape(text))), text


def _compound_head(doc: Doc, h: Hit, span: tuple[int, int], rules: Rules) -> Hit:
    """The last metric of a compound: "top-1 classification accuracy" is an
    accuracy, though "top-1" is a metric too and nearer the score."""
    for h2 in sorted(doc.metrics, key=lambda x: x.start):
        if h2.start < h.end or h2.end > span[1]:
            continue
        words = doc.read[h.end:h2.start].split()
        if doc.read[h.end:h.end + 1] == " " and len(words) <= rules.metric_max_modifiers \
                and all(rules.metric_modifier.fullmatch(w) and not rules.metric_modifier_stop.fullmatch(w)
                        for w in words):
            return _compound_head(doc, h2, span, rules)
        break
    return h


def written_metric(doc: Doc, h: Hit, floor: int, rules: Rules) -> str:
    """The metric column of a metric hit: as written, with the words of its
    name before it, or its name (metrics.csv `written`)."""
    if h.value.written == "name":
        return h.value.name
    read, abbreviation = doc.read, rules.pattern("metric_abbreviation")
    # "reduces perplexity (PPL) by 18%": the abbreviation is read with its name
    if (named := cue_finding.full_name_of(doc, h, floor)) is not None:
        return f"{read[named[0]:named[1]]} ({read[h.start:h.end]})"
    if cue_finding.bracketed(read, h, floor):
        for full in doc.metrics:
            if floor <= full.start and full.value.written != "name" \
                    and abbreviation.fullmatch(read, full.end, h.end + 1):
                return written_metric(doc, full, floor, rules)
    start = _name_start(doc, h, floor, rules)
    text = read[start:h.end]
    # "mean average precision (mAP)": a name keeps the abbreviation it gives itself (K17)
    if a := abbreviation.match(read, h.end):
        named = cue_finding.abbreviated(read[floor:h.end], a["abbr"])
        if named is not None and floor + named <= start:
            return f"{read[floor + named:h.end]} ({a['abbr']})"
        # else one that starts with the name's first letter, not a benchmark ("perplexity (PTB)")
        if a["abbr"][0].lower() == text[0].lower() and "-" not in a["abbr"] \
                and not any(b.start == a.start("abbr") for b in doc.benchmarks):
            return f"{text} ({a['abbr']})"
    return text


def metric_name_start(doc: Doc, start: int, floor: int, rules: Rules) -> int:
    """Where a metric's name starts as the text writes it: the words right
    before a metric of metrics.csv that are part of its name ("attack success
    rates", "top-1 classification accuracy"), not those that are not
    ("higher accuracy", "the accuracy"; attributes.toml [metric])."""
    text = doc.read
    names = {(h.start, h.end) for h in doc.benchmarks}
    for _ in range(rules.metric_max_modifiers):
        if start - 2 < floor or text[start - 1] != " " or text[start - 2] == " ":
            break
        j = start - 1
        while j > floor and not text[j - 1].isspace():
            j -= 1
        word = text[j:start - 1]
        if not rules.metric_modifier.fullmatch(word) or rules.metric_modifier_stop.fullmatch(word) \
                or any(a <= j < b for a, b in names):
            break
        start = j
    return start


def _qualifier(s: Situation) -> str | None:
    found = set()
    if s.mention.qualifier:
        found.add(s.mention.qualifier)
    tail = s.w.left.rstrip()[-s.ww("qualifier_left"):]
    # a member of a list has its own too: "100%, 100%, and >97%"
    own = s.doc.read[max(s.span[0], s.mention.start - s.ww("qualifier_left")):s.mention.start].rstrip()
    for q, pat in s.rules.qualifier_before:
        if pat.search(tail + " ") or pat.search(own + " "):
            found.add(q)
    p = s.rules.pattern
    # averages may stand a few words away ("an average performance gain of"),
    # or head the sentence ("On average, ...")
    if (p("average_before").search(tail) and not p("mean_of_metric").search(tail)) \
            or p("average_after").match(s.w.right) \
            or p("average_after").match(s.doc.read[s.mention.end:s.span[1]]) \
            or p("sentence_average").match(s.doc.read, s.span[0], s.span[1]):
        found.add("average")
    if p("up_to_noun").search(tail):
        found.add("up_to")
    for q, pat in s.rules.qualifier_after:
        if pat.match(s.w.right):
            found.add(q)
    return next((q for q in s.rules.vocabulary["qualifier"] if q in found), None)


def _direction(s: Situation, metric: Metric | None) -> str:
    if s.mention.sign in ("-", "−"):
        return "decrease"
    if s.mention.sign == "+":
        return "increase"
    n = s.ww("direction")
    # words after the number count up to a comma: "by 44.2%, cut hallucinations" is the next phrase
    left = s.w.left[-n:]
    near = left + " | " + s.w.right[:n].split(",", 1)[0]
    dec = list(s.rules.direction["decrease"].finditer(near))
    inc = list(s.rules.direction["increase"].finditer(near))
    # a worse quality is a decrease of a score and an increase of an error
    worse = list(s.rules.direction["worse"].finditer(near))
    if metric is not None and metric.lower_is_better:
        inc += worse
    else:
        dec += worse
    if not dec and not inc and s.sibling_direction:
        return s.sibling_direction      # "by 48% for A and over 90% for B": as its neighbour
    if not dec and not inc and not worse:
        far = _verb_of_clause(s)
        if far == "decrease":
            return "decrease"
        inc = [far] if far else inc
    centre = len(left)
    dist = lambda ms: min((abs(m.start() - centre) for m in ms), default=10**6)   # noqa: E731
    if dec and dist(dec) <= dist(inc):
        return "decrease"
    if inc and not worse and metric is not None and metric.lower_is_better:
        return "decrease"      # "improves WER by 2%": the WER went down
    return "increase"


def _verb_of_clause(s: Situation) -> str | None:
    """The direction of the last word of change in the clause left of the
    number, beyond the near window: "reduces the word error rate of the
    Orca model by 8%" -> decrease; None when the clause has none."""
    clause = s.rules.pattern("clause_start").split(s.w.left)[-1]
    last = max([(m.end(), "decrease") for m in s.rules.direction["decrease"].finditer(clause)]
               + [(m.end(), "increase") for m in s.rules.direction["increase"].finditer(clause)], default=None)
    return last[1] if last else None


def factor_of(form: str, value: float | None, measure: str, worse: bool) -> float | None:
    """Old cost / new cost (spec section 4): bigger is better, 1 is no change.

    >>> round(factor_of("percent", 61, "cost", False), 3), round(factor_of("fraction", 55.8, "cost", False), 3)
    (2.564, 1.792)
    """
    if value is None:
        return None
    if form == "factor":
        return (1 / value if worse else value) if value > 0 else None
    if form == "fraction":
        share = value / 100 if value > 1 else value
        if measure == "rate":        # "keeps 96% of the throughput": the rate fell
            return share if share > 0 else None
        return 1 / share if share > 0 else None
    if form == "percent":
        p = value / 100
        if measure == "cost":
            if worse:
                return 1 / (1 + p)
            return 1 / (1 - p) if p < 1 else None
        return 1 - p if worse else 1 + p
    return None


def _utilization_metric(s: Situation) -> str | None:
    """What a utilization is of (claims-spec section 4: metric "for accuracy
    (and utilization)"): the rate cue nearest a percentage ("MFU of 52.30%",
    "GPU throughputs of 38.38%" -> GPU throughput, "strong scaling
    efficiencies of 89%", "40% of peak" -> % of peak), or a utilization cue
    near a rate ("45 Gbit/s of bandwidth utilization"); a metric of
    metrics.csv by its name ("model FLOPs utilization" -> MFU)."""
    w, mention = s.w, s.mention
    if mention.unit == "x":
        return None                       # "at about 640x real-time" is a rate of no utilization
    hits = [(len(w.left) - e, w.left[a:e], cue) for a, e, cue in w.left_cues] \
        + [(a, w.right[a:e], cue) for a, e, cue in w.right_cues]
    hits = [h for h in hits if h[2].measure == "rate" and h[2].type in ("throughput", "speedup")
            and (mention.unit == "%" or h[2].type == "throughput")]
    if not hits:
        return None
    text = min(hits, key=lambda h: h[0])[1].strip()
    known = next((m.name for m in s.rules.metrics if m.pattern.fullmatch(text)), None)
    if known:
        return known                      # "model FLOPs utilization" -> MFU
    return "% " + text if text.startswith("of ") else _singular(text)    # "40% of peak"


def _singular(words: str) -> str:
    """'strong scaling efficiencies' -> 'strong scaling efficiency'."""
    if words.endswith("ies"):
        return words[:-3] + "y"
    return words[:-1] if words.endswith("s") and not words.endswith("ss") else words


def decide(s: Situation) -> Claim | None:
    """The claim a quantity makes in its situation, or None: the stages of
    the construction records, then factor, qualifier and direction."""
    rules, mention = s.rules, s.mention
    chain = [mention.rule, f"{s.pick}:{s.cue.id}" if s.cue else s.pick]
    s.first_cue = s.cue
    for stage in ("gate", "cue", "type", "form", "change"):
        rec = fire(stage, s)
        if rec is None:
            continue
        chain.append(rec.id)
        then = rec.then
        if then.get("claim") is False:
            return None
        if "cue" in then:
            s.cue = cue_finding.first_of_type(rules, then["cue"])
            s._facts.clear()
        if "type" in then:
            t = then["type"]
            s.type = s.cue.type if t == "cue" else s.cue.factor_type if t == "cue_factor_type" \
                else _unit_claim_type(mention, rules) if t == "unit" else t
        if "form" in then:
            s.form = then["form"]
        if "measure" in then:
            s.measure = then["measure"]
    if s.type is None or s.form is None:
        return None
    ctype, form = s.type, s.form
    metric, metric_text = s.metric_as_written() if ctype == "accuracy" else (None, None)
    direction = _direction(s, metric) if ctype == "accuracy" and form in ("delta", "percent") else None
    if "_metric_rule" in s._facts:
        chain.append(s._facts["_metric_rule"])
    factor = factor_max = None
    if ctype in rules.relative_types:
        w = s.w
        near = w.left[-s.ww("worse_left"):] + " " + w.right[:s.ww("worse_right")]
        worse = bool(rules.worse.search(near)) and not rules.pattern("reducing").search(w.left[-s.ww("reducing_left"):])
        measure = s.measure or (s.first_cue.measure if s.first_cue else "rate")
        factor = factor_of(form, mention.value, measure, worse)
        factor_max = factor_of(form, mention.value_max, measure, worse) if mention.value_max is not None else None
        if factor is None:
            return None     # gate.no_finite_factor: "compute taking nearly 0% of runtime" is a share, no gain
        if factor_max is not None and factor_max < factor:
            factor, factor_max = factor_max, factor
    text = s.doc.read
    return Claim(
        paper_id=s.doc.paper_id, char_start=mention.start, char_end=mention.end, text=mention.text,
        sentence=text[s.span[0]:s.span[1]], claim_type=ctype, form=form, value=mention.value,
        value_max=mention.value_max, unit=mention.unit, factor=factor, factor_max=factor_max,
        qualifier=_qualifier(s), direction=direction,
        metric=metric_text if metric and ctype == "accuracy" else
        _utilization_metric(s) if ctype == "throughput" else None,
        rule=">".join(chain), sentence_start=s.span[0])


def classify(doc: Doc, span: tuple[int, int], mentions: list[Mention], rules: Rules,
             on_hardware: bool = False, on_benchmark: bool = False) -> list[Claim]:
    """Claims among the mentions of one sentence doc.read[span[0]:span[1]];
    `on_hardware`, `on_benchmark`: the sentence names a device, a benchmark."""
    text = doc.read
    groups: dict = {}
    for m in mentions:
        groups.setdefault(m.list_id if m.list_id is not None else f"solo{m.start}", []).append(m)
    walls = [m for m in mentions if m.kind != "bare"]
    cues = cue_finding.sentence_cues(doc, span, rules)
    out = []
    prev: tuple[Mention, Cue | None, Claim] | None = None
    measure: str | None = None      # the measure of a change whose verb is left out, for its list
    claimed: list[tuple[Mention, Cue | None, Claim]] = []
    listed: dict[int, list[Cue]] = {}     # list length -> the cues a list of that length took in order
    for group in groups.values():
        others = [o for o in walls if o not in group]
        w = cue_finding.window(text, span, group, others, cues, rules)
        resp = cue_finding.respective(w, len(group), rules) if len(group) > 1 else None
        resp_pick = "pick.respectively"
        if resp:
            listed[len(group)] = resp
        elif len(group) in listed and not w.left_cues and not w.right_cues:
            # "by 31.5% and 27.25% on P and by 18.5% and 12.75% on Q": a later list with
            # no cue of its own repeats the earlier one's (constructions K4)
            resp, resp_pick = listed[len(group)], "pick.repeated_list"
        # "7.3x and 43.5x performance and energy gains": as many cues after the list as numbers in it
        parallel = cue_finding.respective_after(w, len(group), rules) if len(group) > 1 else None
        for i, mention in enumerate(group):
            own = w if len(group) == 1 else \
                cue_finding.window(text, span, [mention], [o for o in walls if o is not mention], cues, rules)
            # the cue right after a member, else the one of its whole list
            cue, pick = cue_finding.pick(own, mention, rules)
            if parallel:
                cue, pick = parallel[i], "pick.parallel_after"
            elif resp and pick != "pick.right":
                cue, pick = resp[i], resp_pick
            elif pick != "pick.right":
                cue2, pick2 = cue_finding.pick(w, mention, rules)
                if cue2 is not None:
                    cue, pick = cue2, pick2
            # a parallel phrase: no claimable quantity between ("[15]", "MATH 500" do not count)
            sibling = prev is not None and _sibling(text, prev[0], mention, rules) \
                and not any(prev[0].end <= o.start and o.end <= mention.start
                            and o.rule not in rules.units.never_claims for o in mentions)
            if not sibling and (same := _parallel_across_brackets(text, claimed, mention, rules)):
                prev, sibling = same, True      # "Quokka by 4.3% (0.7610) and Orca by 3.6%"
            weak = cue is None or pick in ("pick.right_far", "pick.left_far")
            if sibling and weak:
                cue, pick = prev[1], "pick.sibling"
            elif weak and prev is not None and (gapped := _gapped(text, prev[0], mention, rules)):
                # "improves accuracy by 3% and robustness by 5%": the verb left out
                cue, pick, sibling = prev[1], "pick.gapped", True
            elif weak and (appositive := _appositive_change(text, prev, mention, rules)):
                cue, pick = appositive, "pick.appositive"
            s = Situation(rules, doc, span, mention, w, cue, pick, on_hardware, on_benchmark,
                          changed_before=bool(sibling and prev[2].form in ("delta", "percent")
                                              and (mention.sign or not prev[0].sign)),
                          score_sibling=bool(sibling and prev[2].claim_type == "accuracy"),
                          sibling_change=bool(sibling and prev[2].factor is not None
                                              and prev[2].form in ("percent", "factor")),
                          sibling_direction=prev[2].direction if sibling else None)
            claim = decide(s)
            if claim:
                claim = replace(claim, list_pos=group.index(mention), list_len=len(group))
                # the measure as written ("robustness"), and so for the list it opens ("by 19.9% and 9.4%")
                measure = gapped if pick == "pick.gapped" else measure if pick == "pick.sibling" else None
                if measure and claim.claim_type == "accuracy":
                    claim = replace(claim, metric=measure)
                if prev is not None and claim.qualifier is None and prev[2].qualifier == "up_to" \
                        and _coordinated(text, prev[0], mention, rules, mentions):
                    # "up to 3.6x layer-wise and 2.2x end-to-end"
                    claim = replace(claim, qualifier="up_to", rule=claim.rule + ">qualifier.list_up_to")
                out.append(claim)
                # the cue a parallel phrase goes on with: the one picked, else one of the
                # type the construction decided ("improvements of 6.3% (A) and 2.4% (B)")
                prev = (mention, cue or cue_finding.first_of_type(rules, claim.claim_type), claim)
                claimed.append(prev)
    return _first_of_pairs(doc, span, mentions, out, rules, on_hardware, on_benchmark)


def _first_of_pairs(doc: Doc, span: tuple[int, int], mentions: list[Mention], claims: list[Claim], rules: Rules,
                    on_hardware: bool, on_benchmark: bool) -> list[Claim]:
    """"from 23.3% to 62.5% on LiveCodeBench": the first value of a
    before/after pair whose second is a claim is a claim of the same
    measure (pick.pair), though nothing beside it says so."""
    text = doc.read
    by_start = {c.char_start: c for c in claims}
    pair_from, pair_to = rules.pattern("pair_from"), rules.pattern("pair_to")
    added = []
    cues = None
    for a, b in zip(mentions, mentions[1:]):
        second = by_start.get(b.start)
        if a.start in by_start or second is None or a.kind != b.kind \
                or not pair_from.search(text[max(span[0], a.start - 10):a.start]) \
                or not pair_to.match(text[a.end:b.start]):
            continue
        others = [o for o in mentions if o is not a and o.kind != "bare"]
        cues = cues if cues is not None else cue_finding.sentence_cues(doc, span, rules)     # once a sentence
        w = cue_finding.window(text, span, [a], others, cues, rules)
        cue = cue_finding.first_of_type(rules, second.claim_type)
        s = Situation(rules, doc, span, a, w, cue, "pick.pair", on_hardware, on_benchmark,
                      score_sibling=second.claim_type == "accuracy")
        if (claim := decide(s)) is not None:
            added.append(claim)
    return sorted(claims + added, key=lambda c: c.char_start) if added else claims


def _parallel_across_brackets(text: str, claimed: list[tuple], mention: Mention, rules: Rules) -> tuple | None:
    """The claim of the same kind a quantity is parallel to, across the
    figures in brackets between them: "outperforming Quokka by 4.3% (0.7610)
    and Orca by 3.6%" (constructions K15). The gap read without its brackets."""
    same = next((c for c in reversed(claimed) if c[0].kind == mention.kind), None)
    if same is None or same is (claimed[-1] if claimed else None):
        return None
    gap = rules.pattern("bracketed").sub("", text[same[0].end:mention.start])
    if len(gap) > rules.window["sibling_gap"] or "(" in gap or ")" in gap:
        return None
    ok = bool(rules.pattern("sibling_gap").match(gap)) and bool(rules.pattern("sibling_end").search(gap))
    return same if ok else None


def _appositive_change(text: str, prev: tuple | None, mention: Mention, rules: Rules) -> Cue | None:
    """The cue of a change written in apposition to the absolute figure it
    changes: "Peak memory drops to 12 GB, a 7.4x reduction" -> memory."""
    if prev is None or mention.kind not in ("factor", "percent"):
        return None
    relative = rules.relative_of.get(prev[2].claim_type)
    if relative is None or not rules.pattern("appositive_gap").match(text[prev[0].end:mention.start]):
        return None
    return cue_finding.first_of_type(rules, relative)


def _coordinated(text: str, prev: Mention, mention: Mention, rules: Rules,
                 mentions: list[Mention] = ()) -> bool:
    """Two changes joined by "and" after a short phrase ("up to 6.5x higher
    throughput and 42.5% lower latency"), or next to each other in a list
    of three or more (_change_lists)."""
    changes = ("factor", "percent")
    gap = text[prev.end:mention.start]
    same = prev.kind == mention.kind or (prev.kind in changes and mention.kind in changes and "," not in gap)
    if same and rules.pattern("coordinated").match(gap):
        return True
    return any(a is prev and b is mention for chain in _change_lists(text, mentions, rules)
               for a, b in zip(chain, chain[1:]))


def _change_lists(text: str, mentions: list[Mention], rules: Rules) -> list[list[Mention]]:
    """Lists of three or more changes, each after a short phrase, commas
    between and "and" before the last ("up to 3.8x higher throughput, 2.1x
    lower latency(,) and 45% less memory", K10): context.toml list_comma
    and list_and."""
    comma, last = rules.pattern("list_comma"), rules.pattern("list_and")
    chain = [m for m in mentions if m.kind in ("factor", "percent") and m.rule not in rules.units.never_claims]
    out: list[list[Mention]] = []
    run: list[Mention] = chain[:1]
    for a, b in zip(chain, chain[1:]):
        gap = text[a.end:b.start]
        if comma.match(gap):
            run.append(b)
            continue
        if last.match(gap) and len(run) >= 2:
            out.append(run + [b])
        run = [b]
    return out


def _gapped(text: str, prev: Mention, mention: Mention, rules: Rules) -> str | None:
    """The measure of a change whose verb is left out: "improves accuracy by
    3% and robustness by 5%" -> robustness (constructions K4): both after
    "by", joined by "and" and a few words (context.toml gapped_by)."""
    if prev.kind != mention.kind or not text.endswith("by ", 0, prev.start):
        return None
    m = rules.pattern("gapped_by").fullmatch(text, prev.end, mention.start)
    return m["measure"].strip() if m else None


def _sibling(text: str, prev: Mention, mention: Mention, rules: Rules) -> bool:
    """A quantity in a parallel phrase right after a claim ("77.7% for PIQA,
    66.1% for Winograde"; "from 1.20 to 1.12"; "2.45x (on average 1.58x)")."""
    gap = text[prev.end:mention.start]
    if {mention.kind, prev.kind} == {"bare", "percent"} and mention.kind == "bare" and gap.strip() == "(":
        return True     # "1.93% (1.98+/-0.07)": a mean beside its best run
    if mention.kind != prev.kind and {mention.kind, prev.kind} != {"bare", "points"}:
        return False
    if mention.kind == "bare" and rules.pattern("sibling_name_end").search(gap):
        return False    # "on HunyuanVideo and Wan 2.1": a plain number after a name is its version
    if len(gap) > rules.window["sibling_gap"]:
        return False
    # "... while Quill-Lite reaches 74.25%": the contrast clause's figure (K5)
    return (bool(rules.pattern("sibling_gap").match(gap)) and bool(rules.pattern("sibling_end").search(gap))) \
        or bool(rules.pattern("contrast_owner").search(gap))
