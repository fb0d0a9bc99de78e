"""Which cue a quantity is about: its context windows and the cue picked.

A quantity's window is the words left and right of it (or of its list)
within its sentence and clause, up to the next quantity (rules.window left
and right). The cue is the one right after it, else the nearest before it
in its comma-delimited phrase, else one further away (constructions pick.*).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..doc import Doc, Hit
from ..records import Mention
from ..rules import Cue, Rules


@dataclass(frozen=True)
class Window:
    left: str
    right: str
    left_start: int        # abstract offset of left[0]
    right_start: int       # abstract offset of right[0] (the end of the quantity or list)
    left_cues: tuple       # (start, end, cue) in `left`'s offsets
    right_cues: tuple      # (start, end, cue) in `right`'s offsets


def sentence_cues(doc: Doc, span: tuple[int, int], rules: Rules) -> tuple[tuple[int, int, Cue], ...]:
    """(start, end, cue) of the cues of a sentence: the longest match at each
    place, no overlaps; abstract offsets. A measure held equal ("at the same
    FLOPs", "for the same target compute", "under a fixed memory budget";
    context.toml held_equal) is a condition, no cue (constructions K2)."""
    held = [(m.start(), m.end()) for m in rules.pattern("held_equal").finditer(doc.read, span[0], span[1])]
    hits = [(h.start, h.end, h.value) for h in doc.cues if span[0] <= h.start and h.end <= span[1]
            and not any(a <= h.start < b for a, b in held)]
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept, last_end = [], -1
    for h in hits:
        if h[0] >= last_end:
            kept.append(h)
            last_end = h[1]
    return tuple(kept)


def window(text: str, span: tuple[int, int], group: list[Mention], others: list[Mention],
           cues: tuple, rules: Rules) -> Window:
    """The words left and right of a quantity (or a list of them), within its
    sentence and clause, up to the next quantity; with the cues found there."""
    g_start, g_end = group[0].start, group[-1].end
    lo = max(span[0], g_start - int(rules.window["left"]))
    hi = min(span[1], g_end + int(rules.window["right"]))
    for o in others:
        if o.end <= g_start:
            lo = max(lo, o.end)
        elif o.start >= g_end:
            hi = min(hi, o.start)
    clause_break = rules.pattern("clause_break")
    left = text[lo:g_start]
    if (b := list(clause_break.finditer(left))):
        lo += b[-1].end()
        left = left[b[-1].end():]
    # the right window starts after the LaTeX that closes the quantity ("$99\%$ of the accuracy")
    g_end = rules.units.latex_end(text, g_end, hi)
    right = text[g_end:hi]
    if (b := clause_break.search(right)):
        right = right[:b.start()]
    return Window(left, right, lo, g_end, _within(cues, lo, g_start), _within(cues, g_end, g_end + len(right)))


def _within(hits: tuple, start: int, end: int) -> tuple:
    """The hits inside text[start:end], in its own offsets."""
    return tuple((s - start, e - start, c) for s, e, c in hits if start <= s and e <= end)


def _strong(w: Window) -> Window:
    """The window without its weak cues when another cue follows the
    quantity ("2.5x better than X on FLOPs"); a cue before it is another
    quantity's ("2.95x faster and 7.38% better than X")."""
    if not any(c.weak for _, _, c in w.left_cues + w.right_cues) or all(c.weak for _, _, c in w.right_cues):
        return w
    return Window(w.left, w.right, w.left_start, w.right_start,
                  tuple(h for h in w.left_cues if not h[2].weak), tuple(h for h in w.right_cues if not h[2].weak))


def pick(w: Window, mention: Mention, rules: Rules) -> tuple[Cue | None, str]:
    """(cue, construction id) of the cue a quantity is about: right after it,
    else nearest before (within its comma-delimited phrase first), else
    further after, else further before."""
    w = _strong(w)
    right = w.right_cues
    near_gap = rules.pattern("near_gap")
    for i, (s, e, cue) in enumerate(right):
        if s <= rules.window["near_right"] and not near_gap.search(w.right[:s]):
            # "end-to-end wall clock speed up": the last cue of a compound is its head
            while i + 1 < len(right) and not w.right[right[i][1]:right[i + 1][0]].strip(" -"):
                i += 1
            return right[i][2], "pick.right"
    comma = w.left.rfind(",")
    left = w.left_cues
    near_left = [h for h in left if h[0] > comma]
    if near_left:
        return near_left[-1][2], "pick.left"
    if right:
        return right[0][2], "pick.right_far"
    if left and mention.kind != "factor":
        return left[-1][2], "pick.left_far"
    return None, "pick.none"


WEAK = ("pick.none", "pick.right_far", "pick.left_far")


def respective(w: Window, n: int, rules: Rules) -> list[Cue] | None:
    """'memory cost and training time are reduced by 70% and 50%,
    respectively', 'cuts latency and energy by 31.5% and 27.25%': the n cues
    before a list of n quantities, in order, themselves a list, with or
    without "respectively" (constructions K4; context.toml respective_gap:
    not "with the fewest parameters, X achieves mAP50 of 83.1% and 82.9%")."""
    hits = w.left_cues
    if len(hits) != n or not _joined(w.left, hits, rules):
        return None
    return [h[2] for h in hits]


def _joined(text: str, hits, rules: Rules) -> bool:
    """The cue hits of `text` are one list ("memory and energy", "A, B and C";
    context.toml respective_gap between each two)."""
    gap = rules.pattern("respective_gap")
    return all(gap.fullmatch(text, a[1], b[0]) for a, b in zip(hits, hits[1:]))


def respective_after(w: Window, n: int, rules: Rules) -> list[Cue] | None:
    """'up to 7.3x and 43.5x performance and energy gains', '3x and 5x lower
    latency and memory': the n cues right after a list of n quantities,
    themselves a list, one to each in order, with or without "respectively"
    (constructions K15); None unless the cues are of more than one type."""
    hits = w.right_cues[:n]
    if n < 2 or len(hits) != n or len({h[2].type for h in hits}) < 2 \
            or not rules.pattern("list_to_cues").fullmatch(w.right, 0, hits[0][0]) \
            or not _joined(w.right, hits, rules):
        return None
    return [h[2] for h in hits]


def first_of_type(rules: Rules, claim_type: str) -> Cue | None:
    """The first cue of a claim type: the default when only the sentence's
    shape tells; None for a type no cue has."""
    return next((c for c in rules.cues if c.type == claim_type), None)


def benchmark_after(doc: Doc, pos: int, end: int, rules: Rules) -> Hit | None:
    """The benchmark a score names right after it ("on HumanEval", "for the
    COCO"), within text[pos:end]: of the benchmarks that start where the
    connecting words end, the first of datasets.csv."""
    if not any(pos <= h.start and h.end <= end for h in doc.benchmarks):
        return None         # no benchmark in the window: no words to read
    m = rules.pattern("value_to_dataset").match(doc.read, pos, end)
    if m is None:
        return None
    at = [h for h in doc.benchmarks if h.start == m.end() and h.end <= end]
    return min(at, key=lambda h: h.entry) if at else None


def benchmark_before_bracket(doc: Doc, start: int, pos: int, rules: Rules) -> bool:
    """A benchmark right before a score in brackets, within text[start:pos]: "GSM8K (90.8%)"."""
    if not doc.read[start:pos].rstrip().endswith("("):
        return False
    bracket = rules.pattern("open_bracket")
    return any(start <= h.start and h.end <= pos and bracket.fullmatch(doc.read, h.end, pos)
               for h in doc.benchmarks)


def metric_before(doc: Doc, start: int, pos: int, rules: Rules) -> bool:
    """A metric name right before a score, within text[start:pos]: "accuracy of", "pass@1 at",
    "Matthews correlation coefficient (MCC) of": an abbreviation's bracket closes it."""
    link, read = rules.pattern("metric_to_value"), doc.read
    for h in doc.metrics:
        end = h.end + 1 if bracketed(read, h) else h.end
        if start <= h.start and end <= pos and link.fullmatch(read, end, pos):
            return True
    return False


def metric_at(doc: Doc, pos: int, end: int) -> bool:
    """A metric name right after a score, within text[pos:end]: "41 mAP", "0.78 Spearman correlation"."""
    read = doc.read
    i = pos
    while i < end and read[i].isspace():
        i += 1
    return any(h.start == i and h.end <= end for h in doc.metrics)


def abbreviated(before: str, abbr: str) -> int | None:
    """Where, in `before`, the words start whose initials spell `abbr` and
    that end it ("mean average precision" for mAP, "mean absolute errors"
    for MAE); None when the last words do not spell it."""
    letters = [c.lower() for c in abbr if c.isalpha()]
    starts = [i for i, c in enumerate(before) if not c.isspace() and (i == 0 or before[i - 1].isspace())]
    if len(letters) < 2 or len(starts) < len(letters):
        return None
    starts = starts[-len(letters):]
    return starts[0] if [before[i].lower() for i in starts] == letters else None


def metric_spans(doc: Doc, span: tuple[int, int]) -> list[tuple[int, int]]:
    """Where the metrics of doc.read[span[0]:span[1]] are written, an
    abbreviation in brackets with the full name it abbreviates
    ("Fr\\'echet Inception Distance (FID)": no name of a system)."""
    read, out = doc.read, []
    for h in doc.metrics:
        if not (span[0] <= h.start and h.end <= span[1]):
            continue
        full = full_name_of(doc, h, span[0])
        out.append((full[0] if full else h.start, h.end))
    return out


def full_name_of(doc: Doc, h: Hit, floor: int) -> tuple[int, int] | None:
    """Where the full name of a metric abbreviation in brackets is written,
    the words before it (not before `floor`) whose initials spell it:
    "mean average precision (mAP)"; None for any other hit."""
    read = doc.read
    if not bracketed(read, h, floor):
        return None
    before = read[floor:h.start - 1].rstrip()
    named = abbreviated(before, read[h.start:h.end])
    return None if named is None else (floor + named, floor + len(before))


def bracketed(read: str, h: Hit, floor: int = 0) -> bool:
    """The hit stands alone in brackets, after `floor`: "(MCC)", "(mAP)"."""
    return h.start > floor and read[h.start - 1] == "(" and read[h.end:h.end + 1] == ")"
