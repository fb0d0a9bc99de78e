"""The HTML report opened in headless Chromium (Debian's chromium package):
plots rendered, the table has rows, the search filters, a screenshot saved."""
import re
import shutil
import subprocess

import pytest

from pipeline import report

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_report_escapes_abstract_text(built, tmp_path):
    out, _ = built
    page = report.render(out)
    assert "<script>alert" not in page
    assert page.count("<svg") >= 4
    assert page.count("<mark>") > 100


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")
def test_report_in_headless_chromium(built, tmp_path):
    out, _ = built
    page = report.write(out, tmp_path / "claims.html")
    profile = tmp_path / "profile"
    run = lambda *args: subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                                       capture_output=True, text=True, timeout=120)
    dom = run("--dump-dom", page.as_uri()).stdout
    assert len(re.findall(r"<svg", dom)) >= 4                      # the plots are in the page
    assert len(re.findall(r"<path", dom)) > 50                     # ... and drawn
    n_rows = len(re.findall(r"<tr>", dom)) - 1
    assert n_rows > 100
    searched = run("--dump-dom", page.as_uri() + "#q=speedup").stdout
    shown = int(re.search(r'<span id="shown">(\d+)</span>', searched).group(1))
    assert 0 < shown < n_rows                                       # the search filters the table
    shot = ROOT / "reports" / "report-screenshot.png"
    shot.parent.mkdir(exist_ok=True)
    run(f"--screenshot={shot}", "--window-size=1280,1600", page.as_uri())
    from PIL import Image
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 1600)
    assert len(img.getcolors(maxcolors=1 << 20) or []) > 50       # not a blank page
