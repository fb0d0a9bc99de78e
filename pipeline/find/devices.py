"""Devices: processors, accelerators, systems and cloud instances named in
an abstract, from the scan's device hits (the grammar of
resources/devices.toml, compiled by pipeline/rules.py).

A hit is one form of a record; its groups fill the record's canonical
template ("RTX5090" -> "NVIDIA RTX 5090", "Virtex7 690t" -> "Xilinx
Virtex-7 690T"). Then, per abstract (claims-spec section 5):

- overlapping hits: the longest leftmost wins;
- "Ascend 300I Duo and 800I A2": a further member of the family after a
  list connector (the record's `next`);
- a bare family ("the Jetson", "TPUs") stands for the one member of that
  family the abstract names, and a shorter name of a member ("Orin GPU")
  for the one longer name it is part of ("NVIDIA Jetson AGX Orin");
- a generic class ("GPU", "mobile CPU") is kept only where no named
  device covers its kind, where it is no resource ("offloaded to CPU"), and
  not in a background sentence (those before the first sentence about the
  paper's own work) nor as an example ("accelerators such as GPUs");
  a bare family is kept on the same terms;
- the count before a mention ("2,048 H800 GPUs", "8x A100", "eight GPUs",
  "a 64-GPU cluster").

Each mention's rule is `hardware.<how>:<record id>`, how being model,
family, class, proposed, next or anaphora (resources/constructions.toml).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import regex

from ..doc import Hit
from ..records import HardwareMention, Mention
from ..rules import Device, Rules
from .quantities import parse_number

_FIELD = regex.compile(r"\{(\w+)(?:\|(\w+))?(?:=([^}]*))?\}")
_OPTIONAL = regex.compile(r"\[([^\[\]]*)\]")
_ROLE_ORDER = {"family": 0, "class": 1, "proposed": 2}


@dataclass(frozen=True)
class Field:
    """A field of a template: {name}, {name|how} (a filter), {name=default}."""
    name: str
    how: str | None = None
    default: str | None = None


@dataclass(frozen=True)
class Template:
    """A canonical name's template read once (resources/devices.toml):
    `text` as written, and its pieces in order, each a text, a Field or
    an [optional] part (a tuple of texts and Fields)."""
    text: str
    pieces: tuple

    def fields(self) -> list[Field]:
        """Every field, those of the [optional] parts too."""
        return [f for p in self.pieces for f in (p if isinstance(p, tuple) else (p,)) if isinstance(f, Field)]

    def required(self) -> set[str]:
        """The names of the fields outside [optional] parts that have no default."""
        return {p.name for p in self.pieces if isinstance(p, Field) and p.default is None}


def template(text: str) -> Template:
    """A template read into its pieces.

    >>> template("NVIDIA {model}[ {suffix|alias}]").pieces
    ('NVIDIA ', Field(name='model', how=None, default=None), (' ', Field(name='suffix', how='alias', default=None)))
    """
    def pieces(part: str) -> list:
        out, last = [], 0
        for f in _FIELD.finditer(part):
            out += [part[last:f.start()], Field(f[1], f[2], f[3])]
            last = f.end()
        return out + [part[last:]]
    out, last = [], 0
    for o in _OPTIONAL.finditer(text):
        out += pieces(text[last:o.start()]) + [tuple(p for p in pieces(o[1]) if p != "")]
        last = o.end()
    return Template(text, tuple(p for p in out + pieces(text[last:]) if p != ""))


def render(t: Template, groups: Mapping[str, str | None], vendor: str | None,
           aliases: Mapping[str, str]) -> str:
    """A canonical name from a template and the groups a form matched.

    >>> render(template("NVIDIA {series=RTX} {model}[ {suffix|alias}]"), {"model": "2080", "suffix": "ti"},
    ...        "NVIDIA", {"ti": "Ti"})
    'NVIDIA RTX 2080 Ti'
    >>> render(template("{vendor} {fam}[-{num}][ {part|upper}]"), {"fam": "Virtex", "num": "7", "part": "690t"},
    ...        "Xilinx", {})
    'Xilinx Virtex-7 690T'
    """
    def value(f: Field) -> str | None:
        if f.name == "vendor":
            v = vendor
        else:
            v = groups.get(f.name)
            v = " ".join(v.split()) if v else None
        if not v:
            return f.default
        if f.how == "alias":
            return aliases.get(v.casefold(), v)
        return getattr(v, f.how)() if f.how else v

    def optional(part: tuple) -> str:
        values = [value(p) if isinstance(p, Field) else p for p in part]
        return "" if any(v is None for v in values) else "".join(values)
    name = "".join(optional(p) if isinstance(p, tuple) else (value(p) or "") if isinstance(p, Field) else p
                   for p in t.pieces)
    return " ".join(name.split())


def own_work_start(text: str, spans, rules: Rules) -> int:
    """Where the first sentence about the paper's own work starts ("we",
    "this paper", "experiments show"): the sentences before it are
    background. 0 when no sentence says so."""
    for a, b in spans:
        if rules.hardware.own_work.search(text, a, b):
            return a
    return 0


def _count(text: str, start: int, rules: Rules) -> int | None:
    """'2,048 NVIDIA H800 GPUs' -> 2048, 'eight GPUs' -> 8, 'a 64-GPU
    cluster' -> 64: the number right before a mention."""
    hw = rules.hardware
    left = text[max(0, start - int(hw.window["count_left"])):start]
    if m := hw.count_hyphen.search(left):
        return int(m["n"])
    if m := hw.count_before.search(left):
        if not left[m.start():].strip()[len(m["n"]):].strip().startswith(hw.count_not_before):
            return int(parse_number(m["n"]))
    if m := hw.count_word_before.search(left):
        if (n := hw.count_words.get(m["w"].lower())) is not None:
            return int(n)
    return None


def device_counts(text: str, mentions: list[Mention], devices: list[HardwareMention],
                  rules: Rules) -> set[int]:
    """Starts of the factors that count devices ("8x A100", "8$\\times$H100",
    "4 × NVIDIA H100 GPUs"): a set-up fact, not a speed-up (claims-spec
    section 2). A whole factor followed right away by a device mention."""
    starts = {h.char_start for h in devices}
    gap, reach = rules.hardware.count_gap, int(rules.hardware.window["count_gap"])
    out = set()
    for m in mentions:
        if m.kind != "factor" or m.value_max is not None or not float(m.value).is_integer():
            continue
        j = m.end
        while j < len(text) and j - m.end < reach and text[j] in gap:
            j += 1
        if j in starts:
            out.add(m.start)
    return out


class _Found:
    """A device hit: its record, the groups it matched, the span it names
    (a proposed device: its name; `phrase_end`: the end of the whole match),
    how it was found."""
    __slots__ = ("device", "groups", "start", "end", "phrase_end", "how", "name", "vendor", "kind")

    def __init__(self, device: Device, groups: dict, start: int, end: int, how: str, phrase_end: int | None = None):
        self.device, self.groups, self.start, self.end, self.how = device, groups, start, end, how
        self.phrase_end = end if phrase_end is None else phrase_end
        self.name = self.vendor = self.kind = None


def _hits(hits: list[Hit], rules: Rules) -> list[_Found]:
    """The scan's hits (each with its match) with their records and groups,
    overlaps resolved: the longest leftmost, a family before a class before
    a proposed name."""
    found = []
    for h in hits:
        d: Device = rules.devices[h.entry]
        m = h.value
        start, end = m.span("name") if "name" in m.re.groupindex and m.start("name") >= 0 else m.span()
        level = d.role if d.role != "family" else \
            ("family" if d.specific and not m.groupdict().get(d.specific) else "model")
        found.append(_Found(d, m.groupdict(), start, end, level, m.end()))
    found.sort(key=lambda f: (f.start, f.start - f.end, _ROLE_ORDER[f.device.role]))
    kept: list[_Found] = []
    for f in found:
        if not kept or f.start >= kept[-1].end:
            kept.append(f)
    return kept


def _next_members(text: str, found: list[_Found], rules: Rules) -> list[_Found]:
    """Further members after a list connector: "Ascend 300I Duo and 800I A2",
    "RTX 3090 and 4090", "TPU v3 and v4"."""
    taken = [(f.start, f.end) for f in found]
    out = []
    for f in found:
        head, pos = f, f.end
        while head.device.next is not None and head.how in ("model", "next"):
            gap = rules.hardware.patterns["list_next"].match(text, pos)
            m = gap and head.device.next.match(text, gap.end())
            if not m or any(a < m.end() and m.start() < b for a, b in taken):
                break
            groups = {**head.groups, **{k: m.group(k) for k in m.re.groupindex}}
            head = _Found(head.device, groups, m.start(), m.end(), "next")
            taken.append((m.start(), m.end()))
            out.append(head)
            pos = m.end()
    return sorted(found + out, key=lambda f: f.start)


def _name(f: _Found, text: str, rules: Rules) -> None:
    """The canonical name, vendor and kind of a hit."""
    hw, d = rules.hardware, f.device
    vendor = next((v for v, p in d.vendor_if if p.search(text)), d.vendor)
    f.name = render(d.canonical, f.groups, vendor, hw.aliases)
    f.kind = d.kind
    if d.role == "class":
        maker = f.groups.get("maker")
        f.vendor = hw.aliases.get(maker.casefold(), maker) if maker else None
    elif d.role == "proposed":
        f.kind = next((k for k, p in hw.kind_words if p.search(text, f.start, f.phrase_end)), d.kind)
    else:
        f.vendor = vendor


def _background(f: _Found, text: str, own: int, spans, other_kinds: bool, rules: Rules) -> bool:
    """A class or bare family that is no platform of the paper's: where data
    goes ("offloaded to CPU"), or named in a background sentence (before the
    first one about the paper's own work) as an example ("accelerators such
    as GPUs") or while the paper's own sentences name devices of other kinds
    only (`other_kinds`: "deployed on CPU/GPU platforms" in an FPGA paper)."""
    hw = rules.hardware
    if f.how not in ("class", "family"):
        return False
    sentence_start = next((a for a, b in spans if a <= f.start < b), 0)
    left = max(sentence_start, f.start - int(hw.window["resource_left"]))
    if f.how == "class" and hw.patterns["resource_before"].search(text, left, f.start):
        return True
    if f.start >= own:
        return False
    left = max(sentence_start, f.start - int(hw.window["example_left"]))
    return other_kinds or bool(hw.example_before.search(text, left, f.start))


def _part(found: list[_Found], i: int, text: str, rules: Rules) -> bool:
    """The class found[i] names a part of the device beside it ("T4 GPU",
    "RV1126's NPU", "the CPU of a Galaxy S6")."""
    hw, f = rules.hardware, found[i]
    before = found[i - 1] if i > 0 else None
    after = found[i + 1] if i + 1 < len(found) else None
    part_after, part_of = hw.patterns["part_after"], hw.patterns["part_of"]
    return bool(before and before.device.role == "family" and part_after.match(text[before.end:f.start])) or \
        bool(after and after.device.role == "family" and part_of.match(text[f.end:after.start]))


def _tokens(name: str) -> frozenset[str]:
    return frozenset(regex.split(r"[\s\-]+", name.casefold()))


def _resolve(found: list[_Found]) -> list[_Found]:
    """A bare family stands for the one member of it the abstract names
    (none kept when it names several); a member's shorter name ("Jetson
    Orin") for the one longer name that contains it ("Jetson AGX Orin")."""
    members: dict[str, list[_Found]] = {}
    for f in found:
        if f.how in ("model", "next"):
            members.setdefault(f.device.id, []).append(f)
    out = []
    for f in found:
        named = {m.name for m in members.get(f.device.id, ())}
        if f.how == "family" and named:
            if len(named) > 1:
                continue
            f.name, f.how = next(iter(named)), "anaphora"
        elif f.how in ("model", "next"):
            # a shorter name refers back to a longer one ("ESP32" before "ESP32-S3" is another chip)
            longer = {m.name for m in members[f.device.id] if m.start < f.start and _tokens(f.name) < _tokens(m.name)}
            if len(longer) == 1:
                f.name, f.how = longer.pop(), "anaphora"
        out.append(f)
    return out


def find(paper_id: str, text: str, hits: list[Hit], rules: Rules,
         spans: list[tuple[int, int]] | None = None) -> list[HardwareMention]:
    """Every hardware mention of an abstract, in text order, from the scan's
    device hits; `spans`: the abstract's sentences.

    >>> from pipeline.rules import default
    >>> from pipeline.find import scan
    >>> t = "We train on 2,048 NVIDIA H800 GPUs and a GPU, and on TPUv6e."
    >>> [(h.hardware, h.count) for h in find("p", t, scan(t, default(), layers=["devices"])["devices"], default())]
    [('NVIDIA H800', 2048), ('Google TPU v6e', None)]
    """
    spans = spans or [(0, len(text))]
    found = _next_members(text, _hits(hits, rules), rules)
    for f in found:
        _name(f, text, rules)
    # only a class or a bare family can be background (_background)
    own = own_work_start(text, spans, rules) if any(f.how in ("class", "family") for f in found) else 0
    own_kinds = {f.kind for f in found if f.start >= own and f.device.role != "proposed"}
    found = [f for f in found
             if not _background(f, text, own, spans, bool(own_kinds) and f.kind not in own_kinds, rules)]
    # a named device makes the classes of its kind redundant, and a class beside it names its part
    covered = {k for f in found if f.device.role == "family" for k in f.device.covers}
    found = [f for i, f in enumerate(found)
             if f.how != "class" or (f.device.id not in covered and not _part(found, i, text, rules))]
    out = []
    for f in _resolve(found):
        out.append(HardwareMention(paper_id, f.name, f.vendor, f.kind, _count(text, f.start, rules),
                                   f.start, f.end, text[f.start:f.end], f"hardware.{f.how}:{f.device.id}"))
    return out


def role(h: HardwareMention) -> str:
    """How a mention was found: model, family, class, proposed, next or anaphora."""
    return h.rule.split(":", 1)[0].removeprefix("hardware.")
