"""Every Python snippet of the README runs against a build."""
import os
import re

import pytest

from .conftest import ROOT

README = (ROOT / "README.md").read_text()
SNIPPETS = re.findall(r"```python\n(.*?)```", README, re.S)


@pytest.mark.parametrize("code", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_readme_snippet_runs(code, built, monkeypatch, tmp_path):
    out, _ = built
    (tmp_path / "data").mkdir()
    os.symlink(out, tmp_path / "data" / "processed")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})


def test_cli_help_documents_every_command():
    from pipeline.cli import parser
    text = parser().format_help()
    for cmd in ("build", "eval"):
        assert cmd in text
