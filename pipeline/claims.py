"""Claim classification: which quantities are claims, of what type and form.

`classify(text, span, mentions)` looks at the words around each quantity of
one sentence (cue words from resources/cues.toml) and returns typed claims
with `form`, `qualifier`, `direction` and `factor` computed as claims-spec
section 4 defines them. Attributes (subject, baseline, ...) come later, in
pipeline/attributes.py.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import lexicon
from .quantities import NEVER_CLAIMS, units
from .records import Claim, Mention
from .schemas import vocabularies

LEFT_CHARS, RIGHT_CHARS, NEAR_RIGHT = 110, 90, 40
_CLAUSE_BREAK = lexicon.pattern("clause_break")
_OF_RIGHT = lexicon.pattern("of_right")
_TO_LEFT = lexicon.backwards(lexicon.pattern("to_left"))
_BY_LEFT = lexicon.backwards(lexicon.pattern("by_left"))
_RELATIVE = lexicon.pattern("relative")
_CHANGE_LEFT = lexicon.backwards(lexicon.pattern("change_left"))
_CHANGE_RIGHT = lexicon.pattern("change_right")
_REDUCING = lexicon.pattern("reducing")
_AVERAGE_BEFORE = lexicon.backwards(lexicon.pattern("average_before"))
_MEAN_OF_METRIC = lexicon.pattern("mean_of_metric")
_SCORE_VERB = lexicon.backwards(lexicon.pattern("score_verb_before"))
_RETAINED_SHARE = lexicon.pattern("retained_share")
_AVERAGE_AFTER = lexicon.pattern("average_after")
_RESPECTIVELY = lexicon.pattern("respectively")
_OUTPERFORM = lexicon.pattern("outperform")
_EFFICIENCY_CHANGE = lexicon.pattern("efficiency_change")
_NEAR_GAP = lexicon.pattern("near_gap")
_COORDINATED = lexicon.pattern("coordinated")
_SIBLING_GAP = lexicon.pattern("sibling_gap")
_SIBLING_END = lexicon.backwards(lexicon.pattern("sibling_end"))
_APPOSITIVE_GAP = lexicon.pattern("appositive_gap")


@dataclass
class _Context:
    left: str
    right: str
    left_cues: tuple      # (start, end, cue) in `left`
    right_cues: tuple     # (start, end, cue) in `right`


def _windows(text: str, span: tuple[int, int], group: list[Mention], others: list[Mention],
             cues: tuple) -> _Context:
    """The words left and right of a quantity (or a list of them), within its
    sentence and clause, up to the next quantity; with the cues found there
    (`cues`: the sentence's, from sentence_cues)."""
    g_start, g_end = group[0].start, group[-1].end
    lo = max(span[0], g_start - LEFT_CHARS)
    hi = min(span[1], g_end + RIGHT_CHARS)
    for o in others:
        if o.end <= g_start:
            lo = max(lo, o.end)
        elif o.start >= g_end:
            hi = min(hi, o.start)
    left = text[lo:g_start]
    if (b := list(_CLAUSE_BREAK.finditer(left))):
        lo += b[-1].end()
        left = left[b[-1].end():]
    right = text[g_end:hi]
    if (b := _CLAUSE_BREAK.search(right)):
        right = right[:b.start()]
    return _Context(left, right, _within(cues, lo, g_start), _within(cues, g_end, g_end + len(right)))


def _within(hits: tuple, start: int, end: int) -> tuple:
    """The hits inside text[start:end], in its own offsets."""
    return tuple((s - start, e - start, c) for s, e, c in hits if start <= s and e <= end)


def sentence_cues(text: str, span: tuple[int, int]) -> tuple:
    """(start, end, cue) of every cue in a sentence, longest match at each
    place, no overlaps; offsets into `text`."""
    cues = lexicon.cues()
    hits = [(m.start(), m.end(), cues[i]) for i, m in lexicon.cue_gazetteer().finditer(text, span[0], span[1])]
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept, last_end = [], -1
    for h in hits:   # longest match at each place, no overlaps
        if h[0] >= last_end:
            kept.append(h)
            last_end = h[1]
    return tuple(kept)


def pick_cue(ctx: _Context, mention: Mention):
    """The cue a quantity is about: right after it, else nearest before (within
    its comma-delimited phrase first), else further after."""
    right = ctx.right_cues
    for i, (s, e, cue) in enumerate(right):
        if s <= NEAR_RIGHT and not _NEAR_GAP.search(ctx.right[:s]):
            # "end-to-end wall clock speed up": the last cue of a compound is its head
            while i + 1 < len(right) and not ctx.right[right[i][1]:right[i + 1][0]].strip(" -"):
                i += 1
            return right[i][2], "right"
    comma = ctx.left.rfind(",")
    left = ctx.left_cues
    near_left = [h for h in left if h[0] > comma]
    if near_left:
        return near_left[-1][2], "left"
    if right:
        return right[0][2], "right_far"
    if left and mention.kind != "factor":
        return left[-1][2], "left_far"
    return None, None


def respective_cues(ctx: _Context, n: int):
    """'memory cost and training time are reduced by 70% and 50%, respectively':
    the n cues before a list of n quantities, in order."""
    hits = ctx.left_cues
    return [h[2] for h in hits] if len(hits) == n else None


def _is_setting(ctx: _Context, mention: Mention) -> bool:
    bigger, trend = lexicon.not_a_result()
    if bigger.match(ctx.right) or trend.search(ctx.left):
        return True
    after, before = lexicon.not_claim()
    if mention.kind in ("factor",):
        return False
    return bool(after.match(ctx.right)) or bool(before.search(ctx.left))


def _qualifier(ctx: _Context, mention: Mention) -> str | None:
    before, after = lexicon.qualifier_patterns()
    found = set()
    if mention.qualifier:
        found.add(mention.qualifier)
    tail = ctx.left.rstrip()[-40:]
    for q, pat in before:
        if pat.search(tail + " "):
            found.add(q)
    # averages may stand a few words away ("an average performance gain of")
    if (_AVERAGE_BEFORE.search(tail) and not _MEAN_OF_METRIC.search(tail)) or _AVERAGE_AFTER.match(ctx.right):
        found.add("average")
    for q, pat in after:
        if pat.match(ctx.right):
            found.add(q)
    for q in vocabularies()["qualifier"]:
        if q in found:
            return q
    return None


def _metric_near(sentence: str, rel: int) -> lexicon.Metric | None:
    """The metric named nearest a score, within 80 characters; one in the
    score's own comma-delimited phrase first ("boost extraction accuracy by
    44.2%, cut hallucinations by 22.5%": accuracy, though "hallucinations" is nearer)."""
    best = None
    for start, _, met in lexicon.sentence_metrics(sentence):
        d = abs(start - rel)
        if d >= 80:
            continue
        rank = (d + (80 if "," in sentence[min(start, rel):max(start, rel)] else 0), -len(met.name))
        if best is None or rank < best[0]:
            best = (rank, met)
    return best[1] if best else None


def _direction(ctx: _Context, mention: Mention, metric: lexicon.Metric | None) -> str:
    if mention.sign in ("-", "−"):
        return "decrease"
    if mention.sign == "+":
        return "increase"
    pats = lexicon.direction_patterns()
    # words after the number count up to a comma: "by 44.2%, cut hallucinations" is the next phrase
    near = ctx.left[-45:] + " | " + ctx.right[:45].split(",", 1)[0]
    dec = list(pats["decrease"].finditer(near))
    inc = list(pats["increase"].finditer(near))
    centre = len(ctx.left[-45:])
    dist = lambda ms: min((abs(m.start() - centre) for m in ms), default=10**6)
    if dec and dist(dec) <= dist(inc):
        return "decrease"
    if inc and metric is not None and metric.lower_is_better:
        return "decrease"
    return "increase"


def _factor(form: str, value: float, measure: str, worse: bool) -> float | None:
    """Old cost / new cost (spec section 4): bigger is better, 1 is no change."""
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


def _after_benchmark_bracket(left: str) -> bool:
    """A score in brackets right after a benchmark: "GSM8K (90.8%)". The
    plain test first: most numbers follow no bracket."""
    return left.rstrip().endswith("(") and bool(lexicon.dataset_before_bracket().search(left))


def _bare_is_score(ctx: _Context, mention: Mention, on_benchmark: bool) -> bool:
    if mention.value > 100 or mention.rule == "num.year":
        return False
    left, right = ctx.left[-40:], ctx.right[:40]
    return bool(lexicon.metric_before_value().search(left) or lexicon.metric_at_start().match(right)
                or lexicon.dataset_after_value().match(right)
                or _after_benchmark_bracket(left)
                or (on_benchmark and _SCORE_VERB.search(left)))


def classify(text: str, span: tuple[int, int], mentions: list[Mention], paper_id: str,
             on_hardware: bool = False, on_benchmark: bool = False) -> list[Claim]:
    """Claims among the mentions of one sentence `text[span[0]:span[1]]`;
    `on_hardware`, `on_benchmark`: the sentence names a device, a benchmark."""
    groups: dict = {}
    for m in mentions:
        groups.setdefault(m.list_id if m.list_id is not None else f"solo{m.start}", []).append(m)
    relative = set(vocabularies()["relative_claim_type"])
    sentence = text[span[0]:span[1]]
    respectively = bool(_RESPECTIVELY.search(sentence))
    walls = [m for m in mentions if m.kind != "bare"]
    cues = sentence_cues(text, span)
    out = []
    prev: tuple[Mention, object] | None = None
    for group in groups.values():
        others = [o for o in walls if o not in group]
        ctx = _windows(text, span, group, others, cues)
        resp = respective_cues(ctx, len(group)) if respectively and len(group) > 1 else None
        for i, mention in enumerate(group):
            own = ctx if len(group) == 1 else \
                _windows(text, span, [mention], [o for o in walls if o is not mention], cues)
            # the cue right after a member, else the one of its whole list
            cue, side = pick_cue(own, mention)
            if resp and side != "right":
                cue, side = resp[i], "respectively"
            elif side != "right":
                cue2, side2 = pick_cue(ctx, mention)
                if cue2 is not None:
                    cue, side = cue2, side2
            # a parallel phrase: no claimable quantity between ("[15]", "MATH 500" do not count)
            sibling = prev is not None and _sibling(text, prev[0], mention) \
                and not any(prev[0].end <= o.start and o.end <= mention.start and o.rule not in NEVER_CLAIMS
                            for o in mentions)
            if sibling and (cue is None or side in ("right_far", "left_far")):
                cue, side = prev[1], "sibling"
            elif (cue is None or side in ("right_far", "left_far")) and (
                    appositive := _appositive_change(text, prev, mention)):
                cue, side = appositive, "appositive"
            claim = _claim(text, span, sentence, mention, group, ctx, cue, relative, paper_id,
                           changed_before=bool(sibling and prev[2].form in ("delta", "percent")
                                                  and (mention.sign or not prev[0].sign)),
                           score_sibling=bool(sibling and prev[2].claim_type == "accuracy"), side=side,
                           on_hardware=on_hardware, on_benchmark=on_benchmark)
            if claim:
                claim.list_pos, claim.list_len = group.index(mention), len(group)
                if prev is not None and claim.qualifier is None and prev[2].qualifier == "up_to" \
                        and _coordinated(text, prev[0], mention):
                    claim.qualifier = "up_to"   # "up to 3.6x layer-wise and 2.2x end-to-end"
                out.append(claim)
                prev = (mention, cue, claim)
    return out


def _appositive_change(text: str, prev: tuple | None, mention: Mention) -> lexicon.Cue | None:
    """The cue of a change written in apposition to the absolute figure it
    changes: "Peak memory drops to 12 GB, a 7.4x reduction" -> memory."""
    if prev is None or mention.kind not in ("factor", "percent"):
        return None
    relative = lexicon.relative_of().get(prev[2].claim_type)
    if relative is None or not _APPOSITIVE_GAP.match(text[prev[0].end:mention.start]):
        return None
    return _cue_of(relative)


def _coordinated(text: str, prev: Mention, mention: Mention) -> bool:
    """Two quantities of one kind joined by "and" after a short phrase."""
    return prev.kind == mention.kind and bool(_COORDINATED.match(text[prev.end:mention.start]))


def _sibling(text: str, prev: Mention, mention: Mention) -> bool:
    """A quantity in a parallel phrase right after a claim ("77.7% for PIQA,
    66.1% for Winograde"; "from 1.20 to 1.12"; "2.45x (on average 1.58x)")."""
    gap = text[prev.end:mention.start]
    if {mention.kind, prev.kind} == {"bare", "percent"} and mention.kind == "bare" and gap.strip() == "(":
        return True     # "1.93% (1.98+/-0.07)": a mean beside its best run
    if mention.kind != prev.kind and {mention.kind, prev.kind} != {"bare", "points"}:
        return False
    return len(gap) <= 60 and bool(_SIBLING_GAP.match(gap)) and bool(_SIBLING_END.search(gap))


def _cue_of(claim_type: str) -> lexicon.Cue:
    """The first cue of a claim type: the default when only the sentence's shape tells."""
    return next(c for c in lexicon.cues() if c.type == claim_type)


def _claim(text, span, sentence, mention, group, ctx, cue, relative, paper_id,
           changed_before: bool = False, score_sibling: bool = False, side: str | None = None,
           on_hardware: bool = False, on_benchmark: bool = False) -> Claim | None:
    kind = mention.kind
    if mention.rule in NEVER_CLAIMS:
        return None
    if _is_setting(ctx, mention):
        return None
    phys_type = None
    if kind == "physical":
        phys_type = units().physical_map.get(_surface_unit(mention), {}).get("claim_type") or None
        if phys_type is None:
            return None
    measure = cue.measure if cue else "rate"
    if kind == "factor":
        if cue and cue.type in relative:
            ctype = cue.type
        elif cue and cue.type == "accuracy":
            ctype = cue.factor_type if cue.factor_type and not on_benchmark else "accuracy"
        else:
            ctype = "speedup"
        form = "factor"
    elif kind == "fraction":
        if not cue or cue.type not in relative:
            return None
        ctype, form = cue.type, "fraction"
    elif kind == "percent":
        weak = cue is None or side in ("right_far", "left_far")
        if weak and (lexicon.dataset_after_value().match(ctx.right) or _after_benchmark_bracket(ctx.left[-40:])):
            cue = _cue_of("accuracy")          # "10.1% on MMLU", "GSM8K (90.8%)": a score of that benchmark
        elif weak and _OUTPERFORM.search(ctx.left[-60:]):
            # "outperforms X by 28%": on a named processor a speed-up, else a score
            cue = _cue_of("speedup" if on_hardware else "accuracy")
        elif weak and _RETAINED_SHARE.match(ctx.right):
            cue = _cue_of("accuracy")          # "preserving 98.4% of the original model's capabilities"
        elif cue is None and on_benchmark and _BY_LEFT.search(ctx.left):
            cue = _cue_of("accuracy")          # "improvements on Sports-1M ... by 5.3%": a gain on a benchmark
        if not cue:
            return None
        ctype = cue.type
        change_words = _EFFICIENCY_CHANGE.search(ctx.left[-50:] + " # " + ctx.right[:50])
        changed = change_words or _OF_RIGHT.match(ctx.right) or _TO_LEFT.search(ctx.left)
        if ctype == "throughput" and change_words:
            ctype = "speedup"   # "improves GPU utilization by 20%": a relative gain of a rate
        if ctype in relative and not changed:
            # a share, not a change: "GPU throughput of 38%" is a utilization
            if cue.type == "speedup" and cue.measure == "rate":
                ctype, form = "throughput", "absolute"
            else:
                return None
        elif ctype in relative:
            form = "fraction" if (_OF_RIGHT.match(ctx.right) or _TO_LEFT.search(ctx.left)) \
                and not _BY_LEFT.search(ctx.left) else "percent"
            if form == "fraction" and not lexicon.share_of(cue).match(ctx.right) \
                    and not _TO_LEFT.search(ctx.left):
                return None
        elif ctype == "accuracy" and _RETAINED_SHARE.match(ctx.right):
            form = "fraction"      # "97.7% of GPT-4's performance"
        else:
            form = "absolute"
    elif kind == "points":
        ctype, form = "accuracy", "absolute"
    elif kind == "physical":
        ctype, form = phys_type, "absolute"
    elif kind == "bare":
        if not (score_sibling or _bare_is_score(ctx, mention, on_benchmark)):
            return None
        ctype, form = "accuracy", "absolute"
    else:
        return None

    rel_pos = mention.start - span[0]
    metric = None
    if ctype == "accuracy":
        metric = (lexicon.metric_by_name().get(mention.metric.lower()) if mention.metric else None) \
            or _metric_near(sentence, rel_pos)
        if form == "absolute" and (kind in ("percent", "points") or kind == "physical"):
            changed = _CHANGE_LEFT.search(ctx.left[-50:]) or _CHANGE_RIGHT.match(ctx.right) \
                or mention.sign in ("+", "-", "−") or changed_before
            if changed:
                if kind == "percent" and (_RELATIVE.search(ctx.left[-40:] + ctx.right[:40])
                                          or (metric is not None and not metric.percentage)):
                    form = "percent"
                else:
                    form = "delta"
    direction = _direction(ctx, mention, metric) if ctype == "accuracy" and form in ("delta", "percent") else None
    factor = factor_max = None
    if ctype in relative:
        near = ctx.left[-30:] + " " + ctx.right[:25]
        worse = bool(lexicon.worse_pattern().search(near)) and not _REDUCING.search(ctx.left[-40:])
        factor = _factor(form, mention.value, measure, worse)
        factor_max = _factor(form, mention.value_max, measure, worse) if mention.value_max is not None else None
        if factor is None:
            return None     # no finite factor: "compute taking nearly 0% of runtime" is a share, no gain
        if factor_max is not None and factor_max < factor:
            factor, factor_max = factor_max, factor
    return Claim(
        paper_id=paper_id, char_start=mention.start, char_end=mention.end, text=mention.text,
        sentence=sentence, claim_type=ctype, form=form, value=mention.value,
        value_max=mention.value_max, unit=mention.unit, factor=factor, factor_max=factor_max,
        qualifier=_qualifier(ctx, mention), direction=direction,
        metric=metric.name if metric and ctype == "accuracy" else
        _utilization_metric(ctx, mention) if ctype == "throughput" else None,
        rule=f"{mention.rule}>{cue.id if cue else 'default'}", sentence_start=span[0])


def _utilization_metric(ctx: _Context, mention: Mention) -> str | None:
    """What a utilization is of (claims-spec section 4: metric "for accuracy
    (and utilization)"): the rate cue nearest a percentage ("MFU of 52.30%",
    "GPU throughputs of 38.38%" -> GPU throughput, "strong scaling
    efficiencies of 89%", "40% of peak" -> % of peak), or a utilization cue
    near a rate ("45 Gbit/s of bandwidth utilization"); a metric of
    metrics.csv by its name ("model FLOPs utilization" -> MFU)."""
    hits = [(len(ctx.left) - e, ctx.left[s:e], cue) for s, e, cue in ctx.left_cues] \
        + [(s, ctx.right[s:e], cue) for s, e, cue in ctx.right_cues]
    hits = [h for h in hits if h[2].measure == "rate" and h[2].type in ("throughput", "speedup")
            and (mention.unit == "%" or h[2].type == "throughput")]
    if not hits:
        return None
    text = min(hits, key=lambda h: h[0])[1].strip()
    known = next((m.name for m in lexicon.metrics() if m.pattern.fullmatch(text)), None)
    if known:
        return known                      # "model FLOPs utilization" -> MFU
    return "% " + text if text.startswith("of ") else _singular(text)    # "40% of peak"


def _singular(words: str) -> str:
    """'strong scaling efficiencies' -> 'strong scaling efficiency'."""
    if words.endswith("ies"):
        return words[:-3] + "y"
    return words[:-1] if words.endswith("s") and not words.endswith("ss") else words


def _surface_unit(mention: Mention) -> str:
    """The units.csv surface whose canonical unit the mention carries."""
    for surface, row in units().physical_map.items():
        if row["unit"] == mention.unit and mention.text.rstrip().endswith(surface):
            return surface
    for surface, row in units().physical_map.items():
        if row["unit"] == mention.unit:
            return surface
    return ""
