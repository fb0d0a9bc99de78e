"""The README and docs/ are the whole documentation: every Python snippet
runs against a build, every link leads to a file and heading of the
repository, and nothing points outside it."""
import os
import re

import pytest

from .conftest import ROOT

PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
SNIPPETS = [(p.relative_to(ROOT), code) for p in PAGES for code in re.findall(r"```python\n(.*?)```", p.read_text(), re.S)]
LINK = re.compile(r"\]\(([^)\s]+)\)")
OUTSIDE = re.compile(r"claims-spec|\.\./shared|\bshared/|issue notes|spec section", re.I)


@pytest.mark.parametrize("page, code", SNIPPETS, ids=[f"{p}:{i}" for i, (p, _) in enumerate(SNIPPETS)])
def test_snippet_runs(page, code, built, monkeypatch, tmp_path):
    out, _ = built
    (tmp_path / "data").mkdir()
    os.symlink(out, tmp_path / "data" / "processed")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, str(page), "exec"), {})


def _anchors(page) -> set[str]:
    """The anchors GitHub gives the headings of a page."""
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
            for h in re.findall(r"^#+ (.*)$", page.read_text(), re.M)}


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_links_lead_into_the_repository(page):
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        assert dest.is_relative_to(ROOT) and dest.exists(), (page.name, target)
        if anchor:
            assert anchor in _anchors(dest), (page.name, target)


@pytest.mark.parametrize("path", PAGES + [ROOT / f for f in ("Makefile", "pyproject.toml", "pipeline/cli.py",
                                                              "pipeline/evaluate.py", ".ci/run")],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_refers_to_files_outside_the_repository(path):
    hits = [ln for ln in path.read_text().splitlines() if OUTSIDE.search(ln)]
    assert not hits, hits


def test_the_quality_section_gives_the_unseen_figure_first():
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Quality"):]
    assert "<!-- quality figures: updated by the lead -->" in section
    first = section.split("-->", 1)[1].strip().split("\n\n")[0]      # the paragraph after the marker
    assert "not seen" in first and "typed F1" in first
