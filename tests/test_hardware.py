"""The device grammar (pipeline/resources/devices.toml): how it loads, how
its names are written, and that every family and every hardware
construction is held by suite cases (tests/constructions/hardware-*.toml)."""
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from pipeline.extract import extract
from pipeline.find import devices
from pipeline.find.devices import render, role
from pipeline.records import Paper
from pipeline.rules import RESOURCES, default

from .test_rules import copy  # noqa: F401  (the fixture: a copy of the resource folder)
from .test_rules import test_a_malformed_resource_names_file_line_and_key as malformed

SUITES = Path(__file__).parent / "constructions"
GRAMMAR = tomllib.loads((RESOURCES / "devices.toml").read_text(encoding="utf-8"))


def _extract(text):
    return extract(Paper("0" * 16, "t", text, ["test"]), default())


def _suite_cases():
    for path in sorted(SUITES.glob("hardware-*.toml")):
        for cons in tomllib.loads(path.read_text(encoding="utf-8"))["construction"]:
            for case in cons["case"]:
                yield cons["id"], case


# ---- names ------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["A100", "NVIDIA A100", "A100-80GB", "NVIDIA A100 SXM", "A100 40GB",
                                     "Tesla A100", "NVIDIA A100-SXM4-80GB", "A100 PCIe", "Nvidia A100"])
def test_every_spelling_of_a_device_has_one_name(written):
    """The README's query (hardware like '%A100%') finds an A100 however the
    paper writes it; memory and form-factor variants are no part of the name."""
    ex = _extract(f"Lumo is 2.1x faster on an {written} GPU than Orca.")
    assert [h.hardware for h in ex.hardware] == ["NVIDIA A100"]
    assert [c.hardware for c in ex.claims] == ["NVIDIA A100"]


@pytest.mark.parametrize("written, name", [
    ("Tesla T4", "NVIDIA T4"), ("GeForce RTX 4090", "NVIDIA RTX 4090"), ("Quadro RTX 8000", "NVIDIA RTX 8000"),
    ("AMD Instinct MI300X", "AMD MI300X"), ("Radeon RX 7900 XTX", "AMD RX 7900 XTX"),
    ("Habana Gaudi 2", "Intel Gaudi 2"), ("Cloud TPU v5e", "Google TPU v5e"), ("Kria KV260", "Xilinx KV260"),
])
def test_product_line_words_are_left_out(written, name):
    assert [h.hardware for h in _extract(f"We run Lumo on a {written}.").hardware] == [name]


@pytest.mark.parametrize("template, groups, name", [
    ("NVIDIA {series=RTX} {model}[ {suffix|alias}]", {"model": "4090"}, "NVIDIA RTX 4090"),
    ("NVIDIA {series=RTX} {model}[ {suffix|alias}]", {"series": "GTX", "model": "1080", "suffix": "ti"},
     "NVIDIA GTX 1080 Ti"),
    ("{vendor} {fam}[-{num}][ {part|upper}]", {"fam": "Virtex", "num": "7", "part": "690t"}, "Xilinx Virtex-7 690T"),
    ("Huawei Ascend {model=NPU}", {"model": ""}, "Huawei Ascend NPU"),
    ("[{maker|alias} ][{mod|alias} ]GPU", {"mod": "smartphone"}, "mobile GPU"),
    ("Google TPU[ {gen}][ {pod|alias}]", {"gen": "v3", "pod": "pods"}, "Google TPU v3 Pod"),
])
def test_a_template_fills_its_parts(template, groups, name):
    aliases = default().hardware.aliases
    assert render(devices.template(template), groups, "Xilinx", aliases) == name


@given(st.dictionaries(st.sampled_from(["model", "suffix", "gen"]),
                       st.text(alphabet="AXv0189 -", min_size=0, max_size=6), max_size=3))
def test_a_template_never_leaves_a_field_or_a_bracket(groups):
    name = render(devices.template("Lumo {model=X}[ {suffix}][-{gen|upper}]"), groups, None, {})
    assert not re.search(r"[{}\[\]]", name) and name == " ".join(name.split()) and name.startswith("Lumo")


# ---- the grammar as a resource -------------------------------------------------------

@pytest.mark.parametrize("edit, where", [
    # a form must give the scan a literal to look for
    (lambda s: s.replace("forms = ['Zen ?(?P<gen>[1-6]\\+?)\\b']", "forms = ['\\w+ ?(?P<gen>[1-6]\\+?)\\b']", 1),
     ["amd.zen", "literal"]),
    (lambda s: s.replace('covers = ["gpu", "soc"]', 'covers = ["gpu", "graphics"]', 1),
     ["nvidia.jetson", "covers", "graphics"]),
    (lambda s: s.replace('canonical = "AMD Zen {gen}"', 'canonical = "AMD Zen {gen|shout}"', 1),
     ["amd.zen", "filter", "shout"]),
    (lambda s: s.replace("forms = ['Zen ?(?P<gen>", "forms = ['<<zen>> ?(?P<gen>", 1), ["amd.zen", "piece", "zen"]),
])
def test_a_malformed_grammar_names_file_line_and_record(copy, edit, where):
    malformed(copy, "devices.toml", edit, ["devices.toml:", *where])


def test_every_form_is_tried_only_where_its_literal_is():
    """One scan per abstract: every form of the grammar is an entry of the
    scanner's device gazetteer with literals for the Hyperscan pass."""
    rules = default()
    entries = rules.scanner.gazetteers["devices"].entries
    assert len(entries) == len(rules.devices) >= 150
    assert all(e.literals is not None for e in entries)
    assert sum(e.anchored for e in entries) / len(entries) > 0.9


def test_kinds_are_the_spec_vocabulary():
    assert default().vocabulary["hardware_kind"] == (
        "gpu", "tpu", "cpu", "npu", "fpga", "asic", "dsp", "mcu", "system", "instance")


# ---- suites --------------------------------------------------------------------------

def test_every_family_is_held_by_suite_cases():
    """Each family and class of the grammar is found in some hardware suite case."""
    found = set()
    for _, case in _suite_cases():
        found |= {h.rule.split(":", 1)[1] for h in _extract(case["text"]).hardware}
    records = {r["id"] for table in ("family", "class", "proposed") for r in GRAMMAR.get(table, ())}
    assert records - found == set()


def test_every_hardware_construction_is_held_by_a_suite():
    rules = default()
    suites = {cid for cid, _ in _suite_cases()}
    for rec in rules.constructions["hardware"]:
        held = ({rec.id} | set(rec.suite)) & suites
        assert held, rec.id
        assert set(rec.suite) <= suites, set(rec.suite) - suites


def test_a_mention_has_vendor_kind_and_count_where_the_text_gives_them():
    ex = _extract("Lumo trains on 2,048 NVIDIA H800 GPUs, eight Jetson Thor NX modules and a 64-GPU cluster, "
                  "and runs on an FPGA.")
    assert [(h.hardware, h.vendor, h.kind, h.count) for h in ex.hardware] == [
        ("NVIDIA H800", "NVIDIA", "gpu", 2048), ("NVIDIA Jetson Thor NX", "NVIDIA", "gpu", 8),
        ("FPGA", None, "fpga", None)]
    assert {role(h) for h in ex.hardware} == {"model", "class"}
