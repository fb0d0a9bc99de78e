"""Rules are one value read from a resource folder (pipeline/rules.py): a
folder of one's own gives an extractor of one's own, and a malformed file
is an error that names the file, the line and the key."""
import re
import shutil

import pytest

from pipeline.errors import ResourceError
from pipeline.extract import extract
from pipeline.records import Paper
from pipeline.rules import RESOURCES, load

SENTENCE = "Zorblax finishes the job with 3.5x more zoominess than Quux on a Frobnitz 9 board."


@pytest.fixture
def copy(tmp_path):
    """A copy of the project's resource folder."""
    folder = tmp_path / "rules"
    shutil.copytree(RESOURCES, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


@pytest.fixture
def tiny(copy):
    """The project's resources with tiny gazetteers: one device, one
    benchmark, one metric, and a cue word nobody uses."""
    folder = copy
    grammar = (folder / "devices.toml").read_text()
    head = grammar[:re.search(r"^\[\[family\]\]", grammar, re.M).start()]
    (folder / "devices.toml").write_text(head + '[[family]]\nid = "acme.frobnitz"\nvendor = "Acme"\nkind = "gpu"\n'
                                         "forms = ['Frobnitz ?(?P<model>9)']\ncanonical = \"Acme Frobnitz {model}\"\n")
    (folder / "datasets.csv").write_text("name,pattern\nQuuxBench,QuuxBench\n")
    (folder / "metrics.csv").write_text("name,pattern,percentage,lower_is_better,written\nzap score,zap score,0,0,text\n")
    cues = (folder / "cues.toml").read_text()
    (folder / "cues.toml").write_text(cues.replace('pattern = "faster|', 'pattern = "more zoominess|faster|', 1))
    return folder


def _claims(rules, text=SENTENCE):
    return extract(Paper("0" * 16, "t", text, ["test"]), rules)


def test_a_tiny_resource_folder_is_an_extractor_of_its_own(tiny):
    mine, default = load(tiny), load()
    ex = _claims(mine)
    assert [(c.text, c.claim_type, c.factor, c.baseline, c.hardware) for c in ex.claims] == \
        [("3.5x", "speedup", 3.5, "Quux", "Acme Frobnitz 9")]
    assert "pick.right:speed.faster" in ex.claims[0].rule
    assert [h.hardware for h in ex.hardware] == ["Acme Frobnitz 9"]
    # the project's own rules know neither the device nor the cue word
    theirs = _claims(default)
    assert theirs.hardware == [] and "pick.right:speed.faster" not in theirs.claims[0].rule


@pytest.mark.parametrize("file, edit, where", [
    ("cues.toml", lambda s: s.replace('id = "speed.throughput"\npattern = ', 'id = "speed.throughput"\npatern = ', 1),
     ["cues.toml:", "cue", "pattern"]),
    ("cues.toml", lambda s: s.replace('type = "memory_reduction"', 'type = "memory_savings"', 1),
     ["cues.toml:", "memory.footprint", "type", "memory_savings"]),
    ("context.toml", lambda s: s.replace("left = 110", 'left = "wide"', 1), ["context.toml:", "window", "wide"]),
    ("context.toml", lambda s: s.replace("relative = '''(?i)\\brelative\\b'''", "relative = '''(?i)(relative'''", 1),
     ["context.toml:", "patterns", "compiles"]),
    ("devices.toml", lambda s: s.replace("'Zen ?(?P<gen>", "'Zen ?((?P<gen>", 1),
     ["devices.toml:", "amd.zen", "forms", "compiles"]),
    ("devices.toml", lambda s: s.replace('id = "amd.zen"\nvendor = "AMD"\nkind = "cpu"', 'id = "amd.zen"\nvendor = "AMD"\nkind = "graphics"', 1),
     ["devices.toml:", "amd.zen", "kind", "graphics"]),
    ("devices.toml", lambda s: s.replace('canonical = "AMD Zen {gen}"', 'canonical = "AMD Zen {generation}"', 1),
     ["devices.toml:", "amd.zen", "canonical", "generation"]),
    ("constructions.toml", lambda s: s.replace('id = "type.points"\nstage', 'id = "type.points"\nstagee', 1),
     ["constructions.toml:", "construction", "stage"]),

    ("quantities.toml", lambda s: s.replace('prefix = "M"\nfactor = 1e6', 'prefix = "M"\nfactor = 1e5', 1),
     ["quantities.toml:", "rate_magnitude", "prefix 'M'", "factor 1e+06", "found 100000"]),
    ("quantities.toml", lambda s: s.replace('written = ["K", "thousand"]', 'written = ["K", "grand"]', 1),
     ["quantities.toml:", "rate_magnitude", "grand"]),
])
def test_a_malformed_resource_names_file_line_and_key(copy, file, edit, where):
    path = copy / file
    changed = edit(path.read_text())
    assert changed != path.read_text(), "the edit must change the file"
    path.write_text(changed)
    with pytest.raises(ResourceError) as e:
        load(copy)
    message = str(e.value)
    assert all(w in message for w in where), message
    line = message.split(f"{file}:", 1)[1].split(":", 1)[0]
    assert line.isdigit(), f"no line number in {message!r}"


def test_every_construction_the_code_names_is_a_record():
    """The decide/ modules name the procedures whose ids go in a claim's
    rule chain; each is a record of constructions.toml, and each record's
    conditions name facts, patterns and windows that exist."""
    import re

    from pipeline.decide.claims import FACTS
    rules = load()
    code = "".join(p.read_text() for p in (RESOURCES.parent / "decide").glob("*.py"))
    named = set(re.findall(r'"((?:pick|baseline|subject|dataset|hardware|qualifier|gate|metric)\.[a-z_]+)"', code))
    assert named and named <= rules.construction_ids, named - rules.construction_ids

    def check(cond):
        if isinstance(cond, str):
            assert cond.removeprefix("not ") in FACTS, cond
        elif "any" in cond:
            for c in cond["any"]:
                check(c)
        else:
            for side in ("left", "right", "around"):
                if side in cond:
                    assert cond[side] in rules.context, cond
            if "chars" in cond:
                assert cond["chars"] in rules.window, cond
    for records in rules.constructions.values():
        for rec in records:
            for cond in rec.when:
                check(cond)
