"""The construction suites (tests/constructions/*.toml): every case of every
construction, run through the extractor. Adding a case adds a test."""
import tomllib
from pathlib import Path

import pytest
import regex

from pipeline.extract import extract
from pipeline.records import Paper
from pipeline.rules import default

SUITES = Path(__file__).parent / "constructions"


def _cases():
    for path in sorted(SUITES.glob("*.toml")):
        for cons in tomllib.loads(path.read_text(encoding="utf-8"))["construction"]:
            for i, case in enumerate(cons["case"]):
                # a case the extractor does not pass yet says why; strict, so
                # that the day it passes, the mark must go
                marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
                yield pytest.param(cons, case, id=f"{cons['id']}#{i + 1}", marks=marks)


def _null(v):
    return None if v == "" else v


def test_every_construction_has_five_cases():
    for path in sorted(SUITES.glob("*.toml")):
        for cons in tomllib.loads(path.read_text(encoding="utf-8"))["construction"]:
            assert len(cons["case"]) >= 5, f"{path.name}: {cons['id']} has {len(cons['case'])} cases"


def test_every_class_has_a_suite():
    """Every class of the README's table is named in some suite's spec."""
    classes = regex.findall(r"(?m)^\| (K\d+) \|", (SUITES / "README.md").read_text(encoding="utf-8"))
    named = {k for path in SUITES.glob("*.toml")
             for cons in tomllib.loads(path.read_text(encoding="utf-8"))["construction"]
             for k in regex.findall(r"\bK\d+\b", cons["spec"])}
    assert len(classes) == 17
    assert not set(classes) - named, sorted(set(classes) - named)


@pytest.mark.parametrize("cons, case", list(_cases()))
def test_construction(cons, case):
    ex = extract(Paper("0" * 16, "t", case["text"], ["suite"]), default())
    if "claims" in case:
        assert [c.text for c in ex.claims] == [w["text"] for w in case["claims"]], \
            [(c.text, c.claim_type, c.rule) for c in ex.claims]
        for want, got in zip(case["claims"], ex.claims):
            for name, value in want.items():
                actual = getattr(got, name)
                if isinstance(value, float) and actual is not None:
                    assert actual == pytest.approx(value, rel=0.02), (name, got.rule)
                else:
                    assert actual == _null(value), (name, actual, got.rule)
    if "devices" in case:
        assert [h.hardware for h in ex.hardware] == [d["hardware"] for d in case["devices"]], \
            [(h.hardware, h.text) for h in ex.hardware]
        for want, got in zip(case["devices"], ex.hardware):
            for name, value in want.items():
                assert getattr(got, name) == _null(value), (name, got)
