"""Attributes of the claims of one sentence: subject, baseline, dataset, hardware.

`attach(claims, doc, span, rules)` returns the claims with their
attributes. The words are read within the sentence (`Sentence`: its text
and where it starts in the abstract); what comes in and goes out is in
abstract offsets. Each attribute's construction id joins the claim's rule
chain (resources/constructions.toml, stages baseline, subject, dataset).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Callable

from ..doc import Doc, Hit
from ..records import Claim, HardwareMention
from ..rules import Rules
from . import cues as cue_finding
from . import hardware


@dataclass(frozen=True)
class Sentence:
    """A sentence of the reading copy: its text and its start in the
    abstract; `read`: what has been read at its places (see per_place)."""
    text: str
    start: int
    doc: Doc
    rules: Rules
    read: dict = field(default_factory=dict, compare=False, repr=False)

    def rel(self, pos: int) -> int:
        return pos - self.start


def per_place(fn):
    """`fn(s, ...)` read once per sentence and arguments: what is read at a
    place of a sentence (the noun phrase after it, whether the word there
    is a name) is the same for every claim of the sentence that asks."""
    @functools.wraps(fn)
    def once(s: Sentence, *args, **kwargs):
        key = (fn, args, tuple(kwargs.items()))
        if key not in s.read:
            s.read[key] = fn(s, *args, **kwargs)
        return s.read[key]
    return once


def _is_quantity(s: Sentence, rel: int, word: str) -> bool:
    """ "100ms", "3", "2x" are quantities; "3DGS", "3D-Cube" are names: a
    quantity of the abstract starts where `word` does and covers it."""
    at = s.start + rel
    need = len(word.rstrip(".,"))
    return any(n.start == at and n.end - at >= need for n in s.doc.numbers)


@per_place
def _noun_phrase(s: Sentence, pos: int, allow_commas: bool = False) -> tuple[str, int, int] | None:
    rules = s.rules
    if w := rules.pattern("with_before_baseline").match(s.text[pos:]):
        pos += w.end()                          # "than with an unoptimized kernel"
    rest = s.text[pos:]
    m = (rules.baseline_list_end if allow_commas else rules.baseline_end).search(rest)
    np = (rest[:m.start()] if m else rest).rstrip(" ,.")
    np = rules.pattern("trailing_words").sub("", np)
    np = np.strip().rstrip(".")
    if (named := rules.pattern("figure_after_name").sub("", np)) != np and any(c.isupper() for c in named):
        np = named                              # "against GPT-3.5 zero-shot performance"
    if f := rules.pattern("figure_of").match(np):
        np, pos = np[f.end():], pos + f.end()
    words = np.split()
    if not words or _is_quantity(s, s.text.index(words[0], pos), words[0]):
        return None
    extra = int(rules.window["baseline_list_words"]) if allow_commas else 0
    if len(words) > rules.baseline_max_words + extra:
        np = " ".join(words[:rules.baseline_max_words])
    if rules.pattern("empty_phrase").fullmatch(np):
        return None
    return np, pos, pos + len(np)


@per_place
def _respectively(s: Sentence) -> bool:
    """The sentence distributes lists over lists ("..., respectively")."""
    return bool(s.rules.pattern("respectively").search(s.text))


@per_place
def baseline_phrases(s: Sentence) -> tuple[tuple[int, int], ...]:
    """(start, end), in the sentence's offsets, of every phrase that
    introduces a baseline: "compared to", "over" (not "over 90%"), then
    "outperforms", "beats" (the scan's baseline-phrase hits)."""
    end = s.start + len(s.text)
    pure_number = s.rules.pattern("pure_number")
    return tuple((h.start - s.start, h.end - s.start) for h in s.doc.phrases
                 if s.start <= h.start and h.end <= end
                 and (h.entry == 1 or not pure_number.match(s.doc.read, h.start, end)))


def reference_of(s: Sentence, rel_end: int, pattern: str) -> tuple[str, int, int] | None:
    """The system a share or multiple names right after it (`pattern`:
    context.toml retained_share or multiple_of): "97.7% of GPT-4's
    performance" -> GPT-4, "95% of the accuracy of full fine-tuning" -> full
    fine-tuning, "3.2x the throughput of TGI" -> TGI; None when it names
    none ("99% of its original accuracy")."""
    rel_end = s.rules.units.latex_end(s.text, rel_end)      # "$99\%$ of the accuracy of X"
    m = s.rules.pattern(pattern).match(s.text[rel_end:])
    if m is None:
        return None
    if m["whose"]:
        return m["whose"], rel_end + m.start("whose"), rel_end + m.end("whose")
    if m["of"]:
        return _noun_phrase(s, rel_end + m.end())
    mod = (m.groupdict().get("mod") or "").strip()
    if mod and (m.groupdict().get("det") or "").lower() == "the":      # not "of average zero-shot performance"
        start = rel_end + (m.start("det") if m["det"] else m.start("mod"))
        return s.text[start:rel_end + m.start("mod") + len(mod)], start, rel_end + m.start("mod") + len(mod)
    return None


def share_reference(s: Sentence, rel_end: int, not_names: list[tuple[int, int]]) -> tuple[str, int, int] | None:
    """The reference a share of a cost names right after "of", with no
    measure word between: "down to 3.9%, 2%, and 2.73% of the original" ->
    the original, "to only 18% of traditional approaches" -> traditional
    approaches; None for "25% of the parameters", "30% of the original
    latency" or a benchmark, metric or device ("10% of ImageNet")."""
    rel_end = s.rules.units.latex_end(s.text, rel_end)
    m = s.rules.pattern("share_reference").match(s.text[rel_end:])
    if m is None:
        return None
    np = _noun_phrase(s, rel_end + m.end())
    if np is None or not s.rules.pattern("share_reference_phrase").match(np[0]) \
            or s.rules.pattern("share_reference_measure").search(np[0]) \
            or any(a < np[2] and np[1] < b for a, b in not_names):
        return None
    return np


def _list_end(c: Claim, claims: list[Claim]) -> int:
    """The end of the list a claim is a member of ("3.9%, 2%, and 2.73%"),
    in abstract offsets: the end of its last member."""
    if c.list_len <= 1 or c.list_pos == c.list_len - 1:
        return c.char_end
    after = [o for o in claims if o.char_start > c.char_start and o.list_len == c.list_len
             and o.list_pos == c.list_len - 1]
    return min((o.char_end for o in after), default=c.char_end)


def _participle_after_comma(s: Sentence, phrase: tuple[int, int]) -> bool:
    """", surpassing X": a comparing participle that opens a phrase after a
    comma, and whose comparison has no figure of its own (", surpassing X by
    2.4%" compares the 2.4%)."""
    reach = int(s.rules.window["participle_comma"])
    if not s.text[phrase[0]:phrase[1]].rstrip().lower().endswith("ing") \
            or not s.rules.pattern("comma_before_participle").search(s.text, max(0, phrase[0] - reach), phrase[0]):
        return False
    np = _noun_phrase(s, phrase[1])
    return np is not None and not _compares_own_figure(s, np)


def _compares_own_figure(s: Sentence, np: tuple[str, int, int]) -> bool:
    """The comparison whose noun phrase this is has a figure of its own
    after it ("... and outperforms previous ternary models by 3%")."""
    return _compared_figure(s, np) is not None


@per_place
def _compared_figure(s: Sentence, np: tuple[str, int, int]) -> int | None:
    """Where the figure of the comparison whose noun phrase this is starts
    (its first digit): "outperforms baselines by up to 65.8%" -> the 6."""
    m = s.rules.pattern("by_figure").match(s.text[np[2]:])
    return np[2] + m.end() - 1 if m else None


def baseline(s: Sentence, rel_start: int, rel_end: int, list_pos: int, list_len: int,
             absolute: bool, phrases: list[tuple[int, int]]) -> tuple[str, int, int, str] | None:
    """The baseline of a claim at [rel_start, rel_end) of the sentence, with
    its span and the construction that found it.

    An introducing phrase after the claim in its sentence, not across a
    ";" ("2x faster ... compared to X"), is preferred; one before it
    ("outperforms X by 2x") otherwise. A sentence opening with "Compared to
    X," compares every claim in it with X (K11), and the set a superlative
    ranks the system in ("the lowest error rate among X, with 2.46%") the
    claims after it in its clause. An absolute value takes a baseline only
    from a participle after a comma ("reaches 0.78, surpassing X"), or from
    such a frame or set when it names systems (constructions K12: a figure
    is no comparison of its own).
    """
    rules = s.rules
    cands = [p for p in phrases if not rel_start <= p[0] < rel_end]
    # a comparison after a ";" is its own clause's ("2.4x faster; Quill is 1.3x faster than Orca")
    after = [p for p in cands if p[0] >= rel_end and ";" not in s.text[rel_end:p[0]]
             and (not absolute or _participle_after_comma(s, p))]
    # "by 0.3% ... and outperforms X by 3%": a comparison with its own figure is that figure's
    # and one that names nothing ("(8B vs. 15B)") is none
    after = [p for p in after if (np := _noun_phrase(s, p[1])) is not None and not _compares_own_figure(s, np)]
    # "by 19x, ..., and 3.7x over A and 6.6x over B": each comparison is its own
    # number's, not a claim's of an earlier phrase ("4.5x faster and 8x less
    # compute than A" share it)
    owned = _owned_phrases(s) if after else {}
    after = [p for p in after if p not in owned or owned[p] == rel_start or "," not in s.text[rel_end:owned[p]]]
    # a figure is compared only by a participle after it ("reaches 0.78, surpassing X"),
    # not by a comparison before it ("outperforms X in all tasks, reaching 53.3%")
    before = [p for p in cands if p[1] <= rel_start] if not absolute else []
    # "outperforms baselines by up to 65.8% in NDCG, and is 5.3x faster than X": the
    # comparison the claim is the figure of is its own, before any after it (K13)
    own = [p for p in before if (np := _noun_phrase(s, p[1])) is not None
           and (f := _compared_figure(s, np)) is not None and rel_start <= f < rel_end]
    if not absolute and (f := rules.pattern("from_after").match(s.text[rel_end:])):
        chosen_end, how = rel_end + f.end(), "baseline.from_after"      # "by 73% from unoptimized baselines"
    elif own and after:
        chosen_end, how = own[-1][1], "baseline.phrase_before_by"
    elif after:
        chosen_end, how = after[0][1], "baseline.phrase_after"
    elif before and rel_start - before[-1][1] < rules.window["baseline_before"]:
        chosen_end, how = before[-1][1], "baseline.phrase_before"
    elif (lead := rules.pattern("leading_comparison").match(s.text)) and lead.end() <= rel_start \
            and (not (absolute or rules.pattern("leading_loose").match(lead.group())) or _names_systems(s, lead.end())):
        chosen_end, how = lead.end(), "baseline.leading_comparison"
    elif (best := list(rules.pattern("best_among").finditer(s.text, 0, rel_start))) \
            and _names_systems(s, best[-1].end()) \
            and not rules.pattern("clause_subject_break").search(s.text, best[-1].end(), rel_end):
        chosen_end, how = best[-1].end(), "baseline.best_among"     # "the lowest error rate among X, with 2.46%"
    else:
        return None
    resp = list_len > 1 and _respectively(s)
    np = _noun_phrase(s, chosen_end, allow_commas=list_len > 1)
    if np is None:
        return None
    # "baselines such as A, B, and C by x, y and z": the names after the examples' opener (K15)
    listed = (m := rules.pattern("examples_intro").search(np[0])) and np[0][m.end():] or np[0]
    if list_len > 1 and (parts := _names_of_list(s, listed)) and len(parts) == list_len:
        # "against A, B, C and D, ... speedups of w, x, y and z" (K15), with or without "respectively"
        end = np[1] + np[0].rfind(parts[-1]) + len(parts[-1])        # not the words after the list
        start = np[1] + np[0].find(parts[0])
        return parts[list_pos], start, end, how if resp else "baseline.parallel_list"
    np = np if resp else _noun_phrase(s, chosen_end)
    if np is None:
        return None
    if resp:
        # the list of baselines, with commas ("A, B, and C"), else up to the first comma
        for np in (np, _noun_phrase(s, chosen_end)):
            if np is None:
                continue
            text = np[0]
            if m := rules.pattern("examples_intro").search(text):
                text = text[m.end():]
            parts = _shared_head([p for p in rules.pattern("split_list").split(text) if p], rules)
            if len(parts) == list_len:
                return parts[list_pos], np[1], np[2], how
            if len(parts) > 1 and list_len % len(parts) == 0:      # two measures of the same n systems
                return parts[list_pos % len(parts)], np[1], np[2], "baseline.respectively_repeated"
        np = _noun_phrase(s, chosen_end)
        if np is None:
            return None
    text, a, b = np
    if (name := _appositive_name(s, np)) is not None:
        return (*name, how)
    return text, a, b, how


def _names_systems(s: Sentence, rel: int) -> bool:
    """The noun phrase at `rel` names systems: a name, or a noun of systems
    ("prior kernels", "existing modified baselines"; context.toml
    systems_phrase), not "five benchmarks" or "adversarial prompts"."""
    np = _noun_phrase(s, rel)
    return np is not None and bool(s.rules.pattern("systems_phrase").search(np[0]))


def _over_many_tasks(s: Sentence, rel_start: int, rel_end: int) -> bool:
    """The claim's own phrase, or the phrase that opens its sentence, says
    it is over many tasks ("Pretrained on C4, Lumo improves accuracy across
    9 tasks by 1.35%", "On 12 held-out tasks, it ..."; constructions K9):
    its dataset is none of the benchmarks named. Its phrase: from the last
    mark of context.toml phrase_break (a comma, colon, semicolon, bracket
    or full stop) before it to the next one after it."""
    many = s.rules.pattern("many_tasks")
    lo = max(0, rel_start - int(s.rules.window["left"]))
    cut = s.rules.pattern("phrase_break")
    starts = [m.end() for m in cut.finditer(s.text, lo, rel_start)]
    end = cut.search(s.text, rel_end)
    if many.search(s.text, starts[-1] if starts else lo, end.start() if end else len(s.text)):
        return True
    first = cut.search(s.text)
    return bool(first and first.start() < rel_start and many.match(s.text.lstrip(), 0, first.start()))


def _shared_head(parts: list[str], rules: Rules) -> list[str]:
    """ "both static and greedy schedulers": members that are one word each
    share the head noun of the last (constructions K15), without the
    word that opens the list (context.toml list_opener)."""
    if len(parts) < 2:
        return parts
    parts = [rules.pattern("list_opener").sub("", parts[0])] + parts[1:]
    last = parts[-1].split()
    if len(last) < 2 or any(len(p.split()) != 1 or not p.islower() for p in parts[:-1]) or not last[0].islower():
        return parts
    return [f"{p} {last[-1]}" for p in parts[:-1]] + [parts[-1]]


def _appositive_name(s: Sentence, np: tuple[str, int, int]) -> tuple[str, int, int] | None:
    """ "beats the strongest baseline, QuokkaRT, by 21.5%": a name set off
    by commas right after a description names it (constructions K12:
    an appositive name beats its description); context.toml appositive_name."""
    text, _, end = np
    if any(c.isupper() or c.isdigit() for c in text):
        return None
    m = s.rules.pattern("appositive_name").match(s.text, end)
    if m is None or not _is_name(s, m.start("name"), m["name"].split()[0]):
        return None
    return m["name"], m.start("name"), m.end("name")


@per_place
def _owned_phrases(s: Sentence) -> dict[tuple[int, int], int]:
    """The comparisons of a parallel phrase "N over A and M over B": each
    right after a number of its own (context.toml owned_gap), two or more
    in the sentence; phrase -> where its number starts."""
    gap = s.rules.pattern("owned_gap")
    owned = {}
    for p in baseline_phrases(s):
        for n in s.doc.numbers:
            a, b = n.start - s.start, n.end - s.start
            if 0 <= a and b <= p[0] and gap.fullmatch(s.text, b, p[0]):
                owned[p] = a
    return owned if len(set(owned.values())) > 1 else {}


def _parallel_subjects(s: Sentence, claims: list[Claim], c: Claim, not_names: list[tuple[int, int]]
                       ) -> list[str] | None:
    """The subjects of the numbers of a list: a list of as many names right
    after it ("75.1%, 82.0% and 84.2% top-1 accuracy for A, B and C";
    context.toml parallel_subjects), none a benchmark, a device or a number."""
    if c.list_len < 2:
        return None
    i = claims.index(c) + (c.list_len - 1 - c.list_pos)
    if i >= len(claims) or claims[i].list_pos != c.list_len - 1:
        return None
    end = claims[i].char_end - s.start
    m = s.rules.pattern("parallel_subjects").match(s.text[end:])
    if m is None:
        return None
    names = [n.rstrip(".,;:") for n in s.rules.pattern("parallel_split").split(m["list"]) if n]
    at = end + m.start("list")
    span = (s.start + at, s.start + at + len(m["list"]))
    if len(names) != c.list_len or any(at <= a < at + len(m["list"]) for a, _ in not_names) \
            or any(span[0] <= n.start < span[1] for n in s.doc.numbers):     # "41 mAP for 0.66, ..., 8.4 FLOP(G)"
        return None
    return names


def _names_of_list(s: Sentence, text: str) -> list[str]:
    """The members of a list of baselines ("A, B, C and D"), up to the one
    after "and" or "or", each of the shape of a name (context.toml
    list_member); none if one is not."""
    parts, at, last = [], 0, False
    seps = list(s.rules.pattern("split_list").finditer(text))
    also = s.rules.pattern("list_also")
    for i, m in enumerate(seps):
        parts.append(text[at:m.start()])
        at = m.end()
        # "A and B, as well as C": the list goes on after its "and"
        if s.rules.pattern("list_last").search(m.group()) and not (i + 1 < len(seps) and also.search(seps[i + 1].group())):
            last = True
            break
    if not last:
        return []
    end = s.rules.pattern("split_list").search(text, at)
    parts.append(text[at:end.start() if end else len(text)])
    member = s.rules.pattern("list_member")
    return parts if all(member.fullmatch(p) for p in parts) else []


@per_place
def _is_name(s: Sentence, rel: int, token: str) -> bool:
    # lower-case words ("high-quality", "fine-tune", "4-bit") are never names;
    # islower() answers most words at once, any() the rest (digits, marks)
    if token.islower() or len(token) < 2 or not any(c.isupper() for c in token):
        return False
    not_names = s.rules.not_names
    if token in not_names or token.rstrip("s") in not_names:
        return False
    if token.lower().endswith(s.rules.not_name_suffixes) or (token[0].isdigit() and _is_quantity(s, rel, token)):
        return False
    return not s.rules.pattern("numberish").fullmatch(token)       # "48GB"


@per_place
def _verb_after(s: Sentence, end: int) -> bool:
    """A verb of a subject right after a name that ends at `end` ("FireQ (ours) also achieves",
    "Tessel decodes 1.9x faster": context.toml subject_open_verb)."""
    if s.rules.subject_verb.match(s.text, end):
        return True
    m = s.rules.pattern("subject_open_verb").match(s.text, end)
    # "Quill kernels run in 3 ms": a plural noun before its own verb
    if not m or (m["obj"] and s.rules.subject_verb.fullmatch(m["obj"])):
        return False
    start = end - 1
    while start > 0 and not s.text[start - 1].isspace():
        start -= 1
    return not s.rules.pattern("open_verb_not_after").search(s.text[:start])


@per_place
def _owner_before_verb(s: Sentence, start: int, end: int) -> bool:
    """A name in the possessive (at start..end, "Lumo's") heading the noun
    phrase before a verb of a subject ("Lumo's kernel is 1.4x faster",
    "Tessel's WER drops from 9.8% to 7.1%"; context.toml possessive_word),
    not behind a preposition ("than Orca's kernel")."""
    if not s.text.endswith(("'s", "’s"), 0, end) \
            or s.rules.pattern("open_verb_not_after").search(s.text[:start]):
        return False
    word, at = s.rules.pattern("possessive_word"), end
    for i in range(int(s.rules.window["possessive_words"])):
        if not (m := word.match(s.text[at:])):
            return False
        inner = at + m.end() - len(m.group().lstrip())
        if i == 0 and _is_name(s, inner, m.group().lstrip()) and not _benchmark_or_device(s, inner) \
                and not s.rules.cue_word.fullmatch(m.group().lstrip()):
            return False        # "OpenAI's GPT-4 achieves": the name it owns is the subject
                                # (not "Tessel's WER", "Quill's KV-cache footprint")
        at += m.end()
        if _verb_after(s, at):
            return True
    return False


@per_place
def _modified_before_verb(s: Sentence, start: int, end: int) -> bool:
    """A name with a short phrase of its setting before a verb of a subject
    ("Lumo on an A100 GPU is 2.1x faster", "Fennec in FP8 reaches 71.5%";
    context.toml name_modifier, at most window modifier_words words after
    its preposition); not a sentence's first word in -ing ("Decoding on an
    A100 is ..."), nor a name behind a preposition."""
    m = s.rules.pattern("name_modifier").match(s.text, end)
    if m is None or (start == 0 and s.text[start:end].endswith("ing")) \
            or s.rules.pattern("open_verb_not_after").search(s.text[:start]):     # not "over Caffe on a Xeon server"
        return False
    word, at = s.rules.pattern("possessive_word"), m.end()
    for _ in range(int(s.rules.window["modifier_words"])):
        if not (w := word.match(s.text[at:])):
            return False
        at += w.end()
        if s.rules.subject_verb.match(s.text, at):
            return True
    return False


def _clause_subject(s: Sentence, rel_start: int):
    """The name opening the last clause before `rel_start` that a coordinating
    "; / , and / , while ..." starts (context.toml clause_subject), if any."""
    last = None
    for last in s.rules.pattern("clause_subject").finditer(s.text, 0, rel_start):
        pass
    return last


@per_place
def _gerund_object(s: Sentence) -> int | None:
    """Where the object of a gerund opening the sentence starts ("By pretraining MoDE, we ...")."""
    m = s.rules.pattern("by_doing").match(s.text)
    return m.start("n") if m else None


def subject(s: Sentence, rel_start: int, exclude: list[tuple[int, int]]) -> tuple[str, str] | None:
    """The system the claim's sentence names as doing what the claim says,
    and the construction that found it."""
    rules = s.rules
    sentence = s.text
    reach = int(rules.window["name_phrase_left"])
    in_phrase = rules.pattern("in_phrase")
    first_plain = fallback = None
    # "QuokkaNet (2018), whose test error is 2.65%": the clause's figures are the name's
    whose = [w for w in rules.pattern("whose_clause").finditer(sentence, 0, rel_start)
             if not any(a <= w.start("name") < b for a, b in exclude) and _is_name(s, w.start("name"), w["name"])]
    if whose:
        return whose[-1]["name"], "subject.whose"
    # "Training is 2.2x faster with Fennec than with Orca" (K13)
    if (w := rules.pattern("with_than_with").search(sentence)) and _is_name(s, w.start("name"), w["name"]) \
            and not any(a <= w.start("name") < b for a, b in exclude):
        return w["name"], "subject.with_than_with"
    # "Quill is 2.4x faster, and Tessel is 1.3x faster than Orca": the subject of the claim's own clause
    if (c := _clause_subject(s, rel_start)) and not any(a <= c.start("name") < b for a, b in exclude) \
            and _is_name(s, c.start("name"), c["name"]) \
            and (_verb_after(s, c.end()) or _owner_before_verb(s, c.start("name"), c.end())):
        return _whole_name(s, c.start("name"), c["name"], exclude), "subject.clause"
    for m in rules.pattern("name").finditer(sentence, 0, rel_start):
        tok = m["name"]
        if any(a <= m.start() < b for a, b in exclude):
            continue
        # a hyphen marks a name ("Flash-LLM", "Ladder-residual"), but not in
        # the capitalised first word of a sentence ("Ontology-aligned prompts")
        strong = any(c.isupper() for c in tok[1:]) or any(c.isdigit() for c in tok) \
            or ("-" in tok and m.start() > 0)
        if not strong and m.start() > 0 and not tok[0].isupper():
            continue
        if not _is_name(s, m.start(), tok) or rules.cue_word.fullmatch(tok):
            continue
        if rules.pattern("reports_that").match(sentence, m.end()):
            continue        # "Results on HelixQA and Owl V2 demonstrate that Quill is ...": the subject follows
        if _verb_after(s, m.end()):
            return _whole_name(s, m.start(), tok, exclude), "subject.verb"
        if _owner_before_verb(s, m.start(), m.end()):
            return _whole_name(s, m.start(), tok, exclude), "subject.possessive"
        if _modified_before_verb(s, m.start(), m.end()):
            return _whole_name(s, m.start(), tok, exclude), "subject.modified"
        if (sentence.endswith("of ", 0, m.start()) or sentence.endswith("our ", 0, m.start())) \
                and rules.merit_of.search(sentence, max(0, m.start() - reach), m.start()):    # plain test first
            return tok, "subject.merit_of"
        if rules.pattern("figure_of_head").search(sentence[:m.start()]):
            return _whole_name(s, m.start(), tok, exclude, forward=True), "subject.figure_of"
        if fallback is None and _gerund_object(s) == m.start():
            fallback = tok, "subject.by_doing"
        if fallback is None and rules.pattern("replacing_with").search(sentence[max(0, m.start() - reach):m.start()]):
            fallback = tok, "subject.replacing_with"
        if fallback is None and rules.presents.search(sentence, max(0, m.start() - reach), m.start()):
            fallback = _whole_name(s, m.start(), tok, exclude, forward=True), "subject.presented"
        if strong and first_plain is None and rules.fallback_to_first_name \
                and not in_phrase.search(sentence, max(0, m.start() - reach), m.start()):
            first_plain = tok
    if fallback:        # "By pretraining MoDE, we ...", "replacing A with B", "we present Taccel, a ..."
        return fallback
    # "With Lumo, decoding is 2.4x faster": the opening frame's system, its name whole
    if (w := rules.pattern("with_frame").match(sentence)) and w.end() <= rel_start \
            and not any(a <= w.start("name") < b for a, b in exclude):
        words = w["name"].split()
        second = w.start("name") + w["name"].find(words[-1])
        if _is_name(s, w.start("name"), words[0]) and (len(words) == 1 or _is_name(s, second, words[1])):
            return w["name"], "subject.with_frame"
    return (first_plain, "subject.first_name") if first_plain else None


def _whole_name(s: Sentence, start: int, tok: str, exclude: list[tuple[int, int]], forward: bool = False) -> str:
    """A name of several capitalised words ("Pangu Pro MoE", "Vector Memory"):
    the words right before the token (or, with `forward`, after it) that are
    capitalised, not a word of the not_names, a metric or a benchmark."""
    before = s.rules.pattern("name_word_before")
    text, name, pos = s.text, tok, start
    while (m := before.search(text[max(0, pos - 40):pos])) is not None:
        word = m.group().strip()
        at = pos - len(m.group())
        if word in s.rules.not_names or at == 0 and not any(c.isupper() for c in word[1:]) \
                or any(a <= at < b for a, b in exclude):
            break
        name, pos = word + " " + name, at
    end = start + len(tok)
    if forward:
        while (m := s.rules.pattern("name").match(text, end + 1)) and text[end:end + 1] == " " \
                and m["name"][:1].isupper() and not s.rules.pattern("in_phrase").search(m["name"] + " ") \
                and m["name"] not in ("We", "Our", "The", "This", "It", "These", "Its") \
                and not any(a <= m.start() < b for a, b in exclude) and not _verb_after(s, end):
            name, end = name + " " + m["name"], m.end("name")
    if " " in name and (abbr := s.rules.pattern("abbreviation_after").match(text[end:])):
        return abbr["abbr"]          # "the Environmental Robust Adapter (ERA)" -> ERA
    return name


def respective_dataset(s: Sentence, rel_start: int, rel_end: int, claim: Claim,
                       datasets: list[tuple[int, int, str]]) -> tuple[str, int, int, str] | None:
    """"74.00% and 52.00% pass@1, respectively, on Mathvista and PathVQA";
    "on both the R2R and REVERIE datasets (38.8% and 28.4% success rate,
    respectively)": the list of benchmarks after the scores, else the one
    right before them."""
    if claim.list_len < 2:
        return None
    if not _respectively(s):
        return _parallel_dataset(s, rel_end, claim, datasets)
    after = sorted((a, name, b) for a, b, name in datasets if a >= rel_end)
    if len(after) != claim.list_len:
        before = sorted((a, name, b) for a, b, name in datasets if b <= rel_start)
        if len(after) or len(before) < claim.list_len:
            return None
        after = before[-claim.list_len:]
    start, name, end = after[claim.list_pos]
    return name, start, end, "dataset.respectively"


def _parallel_dataset(s: Sentence, rel_end: int, claim: Claim, datasets: list[tuple[int, int, str]]
                      ) -> tuple[str, int, int, str] | None:
    """"75.1% and 82.0% accuracy on HelixQA and ZebraQA": a list of as many
    benchmarks right after the list of numbers, with no "respectively"
    (context.toml parallel_benchmarks_gap, benchmark_list_gap)."""
    after = sorted((a, name, b) for a, b, name in datasets if a >= rel_end)
    if not after:
        return None
    # the list of numbers ends at its last number before the first benchmark
    group_end = max([rel_end, *(n.end - s.start for n in s.doc.numbers
                                if rel_end <= n.start - s.start and n.end - s.start <= after[0][0])])
    run = after[:claim.list_len]
    if len(run) != claim.list_len or not s.rules.pattern("parallel_benchmarks_gap").fullmatch(s.text, group_end, run[0][0]):
        return None
    gap = s.rules.pattern("benchmark_list_gap")
    if not all(gap.fullmatch(s.text, x[2], y[0]) for x, y in zip(run, run[1:])):
        return None
    if len(after) > len(run) and gap.fullmatch(s.text, run[-1][2], after[len(run)][0]):
        return None      # a longer list of benchmarks than of numbers
    start, name, end = run[claim.list_pos]
    return name, start, end, "dataset.parallel_list"


def dataset(s: Sentence, rel: int, rel_end: int, datasets: list[tuple[int, int, str]]
            ) -> tuple[str, int, int, str] | None:
    """The benchmark of a score: the one written right after it ("77.7% for
    PIQA"), else the nearest in its sentence, after it preferred."""
    found = [(name, a, b) for a, b, name in datasets]
    end = s.start + len(s.text)
    hit = cue_finding.benchmark_after(s.doc, s.start + rel_end, end, s.rules)
    if hit is not None:
        m_end = hit.end - s.start
        right_after = [f for f in found if f[1] < m_end <= f[2] or f[2] == m_end]
        if right_after:
            return (*right_after[0], "dataset.after_value")
    # "CIFAR-100 (91.7%), Flowers (98.8%)": the score in brackets after its benchmark
    bracket = s.rules.pattern("open_bracket")
    bracketed = [f for f in found if f[2] <= rel and bracket.fullmatch(s.text, f[2], rel)]
    if bracketed:
        return (*bracketed[-1], "dataset.bracket_before")
    # nearest, after preferred, but not past the start of the next phrase
    # ("on MMLU with accuracy at 84.50% and on HumanEval with pass@1 at 89.90%")
    w = s.rules.window
    next_phrase = s.rules.pattern("next_phrase")

    def score(f):
        if f[1] < rel:
            return (rel - f[1]) * w["dataset_before_weight"]
        return f[1] - rel + (w["dataset_next_phrase"] if next_phrase.search(s.text, rel, f[1]) else 0)
    # "81.0% on HelixQA; on unseen domains it gains 3.4%": not across a clause of its own (K9)
    clause = s.rules.pattern("clause_of_its_own")
    found = [f for f in found if not (f[2] <= rel and clause.search(s.text, f[2], rel))]
    return (*min(found, key=score), "dataset.nearest") if found else None


def benchmarks_in(doc: Doc, span: tuple[int, int]) -> list[tuple[int, int, str]]:
    """(start, end, name as written) of the benchmarks named in a sentence,
    in the sentence's offsets (constructions K9: "CIFAR10", "ILSVRC-12" as written)."""
    return [(h.start - span[0], h.end - span[0], doc.read[h.start:h.end]) for h in doc.benchmarks
            if span[0] <= h.start and h.end <= span[1]]


def attach(claims: list[Claim], doc: Doc, span: tuple[int, int], rules: Rules,
           stated: Callable[[], HardwareMention | None] | None = None) -> list[Claim]:
    """The claims of one sentence with subject, baseline, hardware and dataset;
    `stated`: the device the abstract states for its work (hardware.platform),
    when the caller reads it once for all its sentences."""
    if not claims:
        return claims
    s = Sentence(doc.read[span[0]:span[1]], span[0], doc, rules)
    datasets = benchmarks_in(doc, span)
    devices = [h for h in doc.devices if span[0] <= h.char_start < span[1]]
    hw_spans = [(h.char_start - span[0], h.char_end - span[0]) for h in devices]
    # dataset and metric names are never the subject of a claim
    not_subjects = [(a, b) for a, b, _ in datasets] + [(a - span[0], b - span[0])
                                                       for a, b in cue_finding.metric_spans(doc, span)]
    phrases = baseline_phrases(s)
    open_class = {(h.start - span[0], h.end - span[0]) for h in doc.benchmarks if h.entry < 0}
    # devices named as what is compared with are no claim's platform
    compared = [(span[0] + np[1], span[0] + np[2]) for p in phrases
                if devices and (np := _noun_phrase(s, p[1]))]
    out = []
    parallel_names: dict[int, list[str]] = {}
    seconds = _pair_seconds(claims, s)
    for c in claims:
        rs, re_ = c.char_start - span[0], c.char_end - span[0]
        chain = [c.rule]
        # a share a score keeps of a reference's, and a multiple of a
        # system's figure, name their baseline right after the number
        share = c.claim_type == "accuracy" and c.form == "fraction"
        # ("tripling the performance of T5-XXL": a multiple of a score has no factor)
        multiple = c.form in ("factor", "fraction") and c.factor is not None \
            or c.form == "factor" and c.claim_type == "accuracy"
        b = None
        if share and (r := reference_of(s, re_, "retained_share")):
            b = (*(_appositive_name(s, r) or r), "baseline.share_of")
        elif multiple and (r := reference_of(s, re_, "multiple_of")):
            b = (*(_appositive_name(s, r) or r), "baseline.multiple_of")
        elif multiple and c.form == "fraction" and (r := share_reference(s, _list_end(c, claims) - span[0],
                                                                        not_subjects + hw_spans)):
            b = (*r, "baseline.share_reference")
        # "the throughput of MoE models by 1.5x over Tutel": the comparison right after
        # the number names its baseline, not the workload before "by" (K13)
        elif c.form != "absolute" and c.list_len <= 1 \
                and not any(0 <= p[0] - re_ <= 1 for p in phrases) \
                and (r := _name_before_by(s, rs, not_subjects)):
            b = (*r, "baseline.name_before_by")
        else:
            # the second value of a pair is compared, as a change is ("to 1.12 compared to X")
            absolute = (c.form == "absolute" and c.char_start not in seconds) or share
            b = baseline(s, rs, re_, c.list_pos, c.list_len, absolute, phrases)
            for model in ("applied_to", "compressed_model", "replaced"):
                if b is None and not absolute and (r := changed_model(s, model, tuple(not_subjects + hw_spans))) \
                        and (model != "replaced" or r[1] < rs):     # not a replacement named after the claim
                    b = (*r, "baseline." + model)
            if b is None and not absolute and (r := complemented(s)) and r[1] < rs:
                b = (*r, "baseline.complemented")
        exclude = list(hw_spans)
        fields: dict = {}
        baseline_span = None
        if b:
            fields["baseline"] = b[0]
            exclude.append((b[1], b[2]))
            baseline_span = (span[0] + b[1], span[0] + b[2])
            chain.append(b[3])
        if c.claim_type == "accuracy":
            ds = respective_dataset(s, rs, re_, c, datasets) or dataset(s, rs, re_, datasets)
            if (not ds or ds[3] != "dataset.after_value") and _over_many_tasks(s, rs, re_):
                # "improves accuracy across 9 tasks by 1.35%": no one benchmark (K9),
                # unless one is named right after the value ("by 1.35% on MMLU, ... on 12 benchmarks")
                ds = None
                chain.append("dataset.many_tasks")
            fields["dataset"] = ds[0] if ds else None
            if ds:
                exclude.append((ds[1], ds[2]))
                chain.append(ds[3])
                if (ds[1], ds[2]) in open_class:
                    chain.append("dataset.open_class")
        owner = _bracket_owner(s, rs, not_subjects) if c.form == "absolute" else None
        names = _parallel_subjects(s, claims, c, not_subjects + hw_spans) if c.list_len > 1 else None
        if names:
            parallel_names[c.list_len] = names
        # a later list of as many numbers keeps the names ("... by 3.05%|3.39%|2.02%")
        names = names or parallel_names.get(c.list_len)
        parallel = names[c.list_pos] if names and not owner else None
        subj = (owner, "subject.bracket_owner") if owner else (parallel, "subject.parallel_list") if parallel \
            else subject(s, rs, exclude + not_subjects)
        fields["subject"] = subj[0] if subj else None
        if subj:
            chain.append(subj[1])
        if owner:
            fields["baseline"] = None
        on = hardware.of(c, doc, span, compared + ([baseline_span] if baseline_span else []), claims, rules,
                         stated)
        fields["hardware"] = on[0] if on else None
        if on:
            chain.append(on[1])
        out.append(replace(c, rule=">".join(chain), **fields))
    return versus_pairs(from_to_pairs(out, s, not_subjects), s)


@per_place
def changed_model(s: Sentence, pattern: str, not_names: tuple[tuple[int, int], ...]) -> tuple[str, int, int] | None:
    """The model the sentence's method changes (constructions K14), the
    baseline of its changes that compare with nothing else. `pattern`
    (context.toml): applied_to, the model a method is applied to ("Applied
    to ViT-L/16, Oriel removes 61.5% of FLOPs" -> ViT-L/16), or
    compressed_model ("our pruned DenseNet-169 runs 2.65x faster" ->
    DenseNet-169), or replaced, the part a method replaces ("replacing
    ReLUs with Swish units improves ..." -> ReLUs). Not a list of models,
    a benchmark, a metric or a device."""
    m = s.rules.pattern(pattern).search(s.text)
    if m is None:
        return None
    name = m["name"].rstrip(".")
    start = m.start("name")
    if not _is_name(s, start, name.split(" (")[0]) or any(a <= start < b for a, b in not_names) \
            or s.rules.pattern("applied_to_list").match(s.text[start + len(name):]):
        return None
    return name, start, start + len(name)


@per_place
def complemented(s: Sentence) -> tuple[str, int, int] | None:
    """The methods a method complements, whose figures it changes: "is
    complementary to existing adaptive algorithms, improving their
    compression ratio by 50%" -> existing adaptive algorithms (constructions
    K14; context.toml complement_frame, complement_their)."""
    for m in s.rules.pattern("complement_frame").finditer(s.text):
        np = _noun_phrase(s, m.end())
        if np is not None and s.rules.pattern("complement_their").match(s.text[np[2]:]):
            return np
    return None


def _name_before_by(s: Sentence, rel: int, not_names: list[tuple[int, int]]) -> tuple[str, int, int] | None:
    """"the success rate of Octo by 7.2% and OpenVLA by 21.8%": the name right
    before "by" (after "of", "and" or a comma), not a metric or a benchmark."""
    m = s.rules.pattern("name_before_by").search(s.text[max(0, rel - int(s.rules.window["left"])):rel])
    if m is None:
        return None
    start = rel - len(s.text[max(0, rel - int(s.rules.window["left"])):rel]) + m.start("name")
    name = m["name"]
    if any(a <= start < b for a, b in not_names) or not _is_name(s, start, name):
        return None
    return name, start, start + len(name)


def _bracket_owner(s: Sentence, rel: int, not_names: list[tuple[int, int]]) -> str | None:
    """The system whose figure a value in brackets right after its name is ("than T5 (34.89%)")."""
    left = s.text[max(0, rel - int(s.rules.window["left"])):rel]
    m = s.rules.pattern("bracket_owner").search(left)
    if m is None:
        return None
    start = rel - len(left) + m.start("name")
    if any(a <= start < b for a, b in not_names) or not _is_name(s, start, m["name"]):
        return None
    return m["name"]


def versus_pairs(claims: list[Claim], s: Sentence) -> list[Claim]:
    """"71.35 BLEU versus 66.05 for ConvS2S", "156 TFLOPS while ZeRO-Infinity
    only achieves 45 TFLOPS" (constructions K5): the second value is the
    named system's figure, the first is compared with it."""
    out = list(claims)
    versus = s.rules.pattern("versus_after")
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.form != "absolute":
            continue        # "2.1x faster than Orca (vs. 1.5x for Fennec)": a change keeps its own baseline
        v = versus.match(s.text[a.char_end - s.start:])     # read on: it may look at B's digits
        if v is not None and v.end() <= b.char_start - a.char_end:
            owner, how = _owner_after(s, b), "pair.versus"
        elif b.form == "absolute" and b.claim_type == a.claim_type and (w := s.rules.pattern("contrast_owner").search(
                s.text, a.char_end - s.start, b.char_start - s.start)) \
                and _is_name(s, w.start("name"), w["name"]) and w["name"] != a.subject \
                and not _benchmark_or_device(s, w.start("name")):
            owner, how = w["name"], "pair.contrast_clause"       # "A reaches X while B only reaches Y"
        elif b.form == "absolute" and (f := s.rules.pattern("versus_figure_of").search(
                s.text, a.char_end - s.start, b.char_start - s.start)):
            words = f["words"].strip()
            owner = _owner_after(s, b) or _figure_whose(words, b.metric) \
                or _figure_whose(s.rules.pattern("versus_figure_noun").sub("", words), b.metric)
            how = "pair.versus_figure_of"
        else:
            continue
        if owner is None:
            continue
        out[i] = replace(a, baseline=owner, rule=a.rule + ">" + how)
        out[i + 1] = replace(b, subject=owner, baseline=None, rule=b.rule + ">" + how)
    return out


def _benchmark_or_device(s: Sentence, rel: int) -> bool:
    """A benchmark, metric or device is named at this place of the sentence."""
    at = s.start + rel
    return any(h.start <= at < h.end for h in (*s.doc.benchmarks, *s.doc.metrics)) \
        or any(d.char_start <= at < d.char_end for d in s.doc.devices)


def _owner_after(s: Sentence, c: Claim) -> str | None:
    """The name right after a figure that says whose it is ("66.05 for ConvS2S")."""
    m = s.rules.pattern("owner_after").match(s.text[c.char_end - s.start:])
    if m is None or not _is_name(s, c.char_end - s.start + m.start("name"), m["name"]):
        return None
    return m["name"]


def _figure_whose(words: str, metric: str | None) -> str | None:
    """ "the best published F1 of 81.8" -> "the best published": the words
    before the figure's measure; None when only the measure is named ("the
    accuracy of 46.4")."""
    if not metric or not words.lower().endswith(metric.lower()):
        return None
    whose = words[:len(words) - len(metric)].strip()
    return f"the {whose}" if whose else None


def _pair_seconds(claims: list[Claim], s: Sentence) -> set[int]:
    """Starts of the claims that are the second value of a pair "from A to B"."""
    pair_from, pair_to = s.rules.pattern("pair_from"), s.rules.pattern("pair_to")
    out = set()
    for a, b in zip(claims, claims[1:]):
        ra = a.char_start - s.start
        if pair_from.search(s.text[max(0, ra - 10):ra]) and pair_to.match(s.text[a.char_end - s.start:b.char_start - s.start]):
            out.add(b.char_start)
    return out


def from_to_pairs(claims: list[Claim], s: Sentence, not_subjects: list[tuple[int, int]]) -> list[Claim]:
    """Before/after pairs "improves X from A to B" (constructions K5, K14):
    A is X's figure (its subject X, no baseline), B the figure of the
    sentence's subject, compared with X. X is the last name between the
    sentence's subject and "from"; without one, neither has a baseline of
    the pair."""
    seconds = _pair_seconds(claims, s)
    out = list(claims)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        ra = a.char_start - s.start
        if b.char_start not in seconds:
            continue
        # a subject found only as the sentence's first name may be the original itself
        named = b.subject if "subject.first_name" not in b.rule else None
        x = _original_of_pair(s, ra, named, not_subjects)
        # "from 1.20 to 1.12 compared to a standard MoE": A is the baseline's figure
        out[i] = replace(a, subject=x or b.baseline, baseline=None, rule=a.rule + ">pair.from_to")
        out[i + 1] = replace(b, baseline=x or b.baseline, rule=b.rule + ">pair.from_to",
                             subject=None if x and b.subject and x.startswith(b.subject) else b.subject)
    return out


def _original_of_pair(s: Sentence, rel_from: int, subject_name: str | None,
                      not_subjects: list[tuple[int, int]]) -> str | None:
    """The system whose figure a pair changes: the last name before "from"
    in its clause that is not the sentence's subject, a metric or a benchmark."""
    rules = s.rules
    lo = max(0, rel_from - int(rules.window["left"]))
    clause = list(rules.pattern("clause_break").finditer(s.text, lo, rel_from))
    lo = clause[-1].end() if clause else lo
    # after the verb of change ("segmented steering boosts correct responses
    # from"), else right before it ("the FID of QuokkaDiff drops from")
    verbs = list(rules.pattern("pair_verb").finditer(s.text, lo, rel_from))
    if verbs:
        after = _last_name(s, verbs[-1].end(), rel_from, subject_name, not_subjects)
        if after:
            return after
        before = _last_name(s, lo, verbs[-1].start(), subject_name, not_subjects, ends_at=True)
        return before
    return _last_name(s, lo, rel_from, subject_name, not_subjects)


def _last_name(s: Sentence, lo: int, hi: int, subject_name: str | None,
               not_subjects: list[tuple[int, int]], ends_at: bool = False) -> str | None:
    """The last name in s.text[lo:hi] that is not the subject, a metric or a
    benchmark; with `ends_at`, only one right before `hi`."""
    rules = s.rules
    found = None
    for m in rules.pattern("name").finditer(s.text, lo, hi):
        tok = m["name"]
        if tok == subject_name or any(a <= m.start() < b for a, b in not_subjects):
            continue
        if m.start() > 0 and _is_name(s, m.start(), tok):
            size = rules.pattern("size_tag").match(s.text, m.end())
            found = tok + (size.group() if size else "")
            if ends_at and s.text[m.end() + (len(size.group()) if size else 0):hi].strip():
                found = None
    return found


def carry_dataset(claims: list[Claim], named: list[tuple[int, str]], previous: str | None
                  ) -> tuple[list[Claim], str | None]:
    """Scores whose sentence names no benchmark were measured on the one the
    abstract named last ("On COCO, ... . It also beats X by 1.7 mAP").
    `named`: (start, name as written) of the benchmarks of the sentence.
    Returns the claims and the benchmark to carry on."""
    if previous:
        claims = [replace(c, dataset=previous, rule=c.rule + ">dataset.carried")
                  if c.claim_type == "accuracy" and c.dataset is None and "dataset.many_tasks" not in c.rule
                  else c for c in claims]
    return claims, (max(named)[1] if named else previous)
