"""The hardware of a claim: the device it was measured on (claims-spec
sections 4 and 5, constructions.md K8).

    of(claim, doc, span, exclude, claims, rules, stated) -> (name, construction id) | None

In the claim's sentence, leaving out the devices its baseline phrase names
("4.15x faster than a server CPU baseline": none) and the devices the paper
proposes (they are what the claim is about, not where it ran):

1. hardware.respectively  "781.3 FPS and 57.8 FPS on the T4 and the Jetson
                          Xavier NX, respectively": the n-th device for the
                          n-th number of a list as long as the devices;
2. hardware.after         the first device after the claim in its clause
                          ("1.9 mAP on mobile CPUs, 3.7 mAP on EdgeTPU"), not
                          one of a list of devices ("across A, B and C": none
                          of them alone);
3. hardware.sentence      a device the sentence says all was measured on
                          ("(measured on p4de.24xlarge instances with A100 GPUs)");
4. hardware.before        the nearest device before it in its sentence ("On
                          an RTX 4060 Ti, Tessel runs 2.85x faster"); a generic
                          class of another clause only as one device ("on a
                          GPU", not "on corresponding GPUs, we ...");
5. hardware.platform      when the sentence names no device: the platform the
                          abstract states for its work before the claim ("We
                          use an RTX 4060 Ti as testbed", "deployed on a Jetson
                          AGX Orin"), if it states one, for the claim types a
                          device bears on (not FLOPs, parameters or task scores).

A task score (accuracy) takes only a device written after it with no other
claim between (1, 2): a platform or a device of another clause says where
the system ran, not where the score was measured. An instance named with a
device ("p4de.24xlarge instances with A100 GPUs") gives way to the device.
"The Jetson" is the full name named elsewhere (pipeline/find/devices.py
resolves it).
"""
from __future__ import annotations

from typing import Callable

from ..doc import Doc
from ..find.devices import own_work_start, role
from ..records import Claim, HardwareMention
from ..rules import Rules


def _usable(h: HardwareMention) -> bool:
    return role(h) != "proposed"


def _in_list(h: HardwareMention, devices: list[HardwareMention], text: str, rules: Rules) -> bool:
    """A device joined to another by a list connector ("A, B and C", "A and B")."""
    gap = rules.hardware.patterns["list_gap"]
    if rules.hardware.patterns["list_neighbour"].match(text, h.char_end):
        return True
    return any(o is not h and (gap.search(text[h.char_end:o.char_start]) if o.char_start >= h.char_end
                               else gap.search(text[o.char_end:h.char_start]) if o.char_end <= h.char_start
                               else False)
               for o in devices)


def _one(h: HardwareMention, text: str, start: int, rules: Rules) -> bool:
    """A class or a bare family names one device, not a kind: a count or a
    determiner after a preposition before it ("on a GPU", "on 8 GPUs", "on
    the Ascend NPU architecture", not "on GPUs"), looked for from `start`."""
    if role(h) not in ("class", "family") or h.count is not None:
        return True
    left = max(start, h.char_start - int(rules.hardware.window["platform_left"]))
    return bool(rules.hardware.patterns["platform_one"].search(text, left, h.char_start))


def platform(doc: Doc, rules: Rules) -> HardwareMention | None:
    """The device the abstract states as where its work runs: a mention in a
    sentence about the paper's own work, used as a place ("on a Jetson AGX
    Orin", "using 8 A100 GPUs", "X as testbed"), when the abstract states
    one device so (a named device before a generic class). A class or a
    bare family counts only as one device ("on an FPGA", "on 256 GPUs"),
    not as a kind ("on GPUs"); an architecture or a unit ("Hopper", "Tensor
    Cores") is no platform; devices listed together are all candidates."""
    hw = rules.hardware
    text, spans = doc.read, doc.sentences or ((0, len(doc.read)),)
    records = {d.id: d for d in rules.devices}
    usable = [h for h in doc.devices if _usable(h) and records[h.rule.split(":", 1)[1]].platform]
    if not usable:
        return None
    own = own_work_start(text, spans, rules)
    found = []
    for h in usable:
        if h.char_start < own:
            continue
        a, b = next(((a, b) for a, b in spans if a <= h.char_start < b), (0, len(text)))
        left = max(a, h.char_start - int(hw.window["platform_left"]))
        if hw.patterns["resource_before"].search(text, left, h.char_start):
            continue
        if hw.patterns["platform_before"].search(text, left, h.char_start):
            if _one(h, text, a, rules):
                found.append(h)
        elif role(h) not in ("class", "family") and hw.patterns["platform_after"].match(
                text, h.char_end, min(b, h.char_end + int(hw.window["platform_right"]))):
            found.append(h)
    found += [h for h in usable if h not in found and any(_in_list(h, [f], text, rules) for f in found)]
    named = [h for h in found if role(h) != "class"] or found
    return min(named, key=lambda h: h.char_start) if len({h.hardware for h in named}) == 1 else None


def _broken(text: str, a: int, b: int, claims: list[Claim], rules: Rules) -> bool:
    """A clause ends between a and b ("..., enabling X on Y"), not counting a
    break that only coordinates claims ("3.6x layer-wise, and 2.2x on B200")."""
    hw = rules.hardware
    starts = sorted(c.char_start for c in claims)
    for m in hw.patterns["clause_break"].finditer(text, a, b):
        nxt = next((c for c in starts if c >= m.end()), None)
        if nxt is None or nxt >= b or not hw.patterns["coordinated"].match(text[m.end():nxt]):
            return True
    return False


def of(claim: Claim, doc: Doc, span: tuple[int, int], exclude: list[tuple[int, int]],
       claims: list[Claim], rules: Rules,
       stated: Callable[[], HardwareMention | None] | None = None) -> tuple[str, str] | None:
    """The device the claim was measured on, and the construction that found
    it; `exclude`: spans (abstract offsets) of the baseline phrases of the
    sentence; `claims`: the claims of the sentence; `stated`: the abstract's
    platform (see platform), when the caller reads it once for all its claims."""
    hw, text = rules.hardware, doc.read
    in_sentence = [h for h in doc.devices if span[0] <= h.char_start < span[1] and _usable(h)]
    devices = [h for h in in_sentence if not any(a <= h.char_start < b for a, b in exclude)]
    # an instance is where a device runs: the device named with it is the hardware
    devices = [h for h in devices if h.kind not in hw.host_kinds] or devices
    score = claim.claim_type == "accuracy"
    if claim.list_len > 1 and len(devices) == claim.list_len \
            and rules.pattern("respectively").search(text, span[0], span[1]):
        return devices[claim.list_pos].hardware, "hardware.respectively"
    after = [h for h in devices if h.char_start >= claim.char_end]
    if after:
        h = after[0]
        # a score is measured on the device right after it, no other claim between
        # (a claim in brackets restates this one: "13.6ms per frame (73.3 FPS) on an RTX 6000")
        between = [c for c in claims if claim.char_end <= c.char_start < h.char_start
                   and not ("(" in text[claim.char_end:c.char_start] and ")" in text[c.char_end:h.char_start])]
        if not (score and between) and not _broken(text, claim.char_end, h.char_start, claims, rules) \
                and not _in_list(h, in_sentence, text, rules):
            return h.hardware, "hardware.after"
    if score:
        return None
    reach = int(hw.window["platform_left"])
    wide = [h for h in devices
            if hw.patterns["sentence_wide"].search(text, max(span[0], h.char_start - reach), h.char_start)]
    if wide and not _in_list(wide[0], in_sentence, text, rules):
        return wide[0].hardware, "hardware.sentence"
    before = [h for h in devices if h.char_end <= claim.char_start]
    if before and not _in_list(before[-1], in_sentence, text, rules) and \
            (_one(before[-1], text, span[0], rules) or not _broken(text, before[-1].char_end, claim.char_start,
                                                                  claims, rules)):
        return before[-1].hardware, "hardware.before"
    if not devices and claim.claim_type in hw.platform_types \
            and (p := stated() if stated is not None else platform(doc, rules)) \
            and p.char_start < claim.char_start:
        return p.hardware, "hardware.platform"
    return None
