"""The HTML report without a browser: LaTeX shown as text with its offsets,
links to papers, the page's data, hostile text, no claims at all, tables as
files or folders of parts, and `python -m pipeline.report` as users run it.
(tests/test_report_browser.py drives the page itself in headless Chromium.)"""
import json
import re
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import report
from pipeline.schemas import to_arrow

from .conftest import ROOT

# (source, shown): LaTeX as the page shows it
LATEX = [
    (r"in 47.2\% of the wall-clock time", "in 47.2% of the wall-clock time"),
    (r"\textsc{FooServe} is up to 2.91$\times$ faster", "FooServe is up to 2.91× faster"),
    (r"less than $\textbf{1}\%$ accuracy drop", "less than 1% accuracy drop"),
    (r"$\foo$Net beats \sys{}", r"\fooNet beats \sys"),
    (r"HyperZ$\cdot$Z$\cdot$W Operator", "HyperZ·Z·W Operator"),
    (r"from $\mathcal{O}(n^2)$ to $\mathcal{O}(mn)$", "from O(n²) to O(mn)"),
    (r"eviction policies (H$_2$O, TOVA)", "eviction policies (H₂O, TOVA)"),
    (r"speedups of $2.16\times$$\sim$$2.5\times$", "speedups of 2.16×~2.5×"),
    (r"$f(x) = x \cdot \text{sigmoid}(\beta x)$", "f(x) = x · sigmoid(β x)"),
    (r"costs $5 and $10 per task", "costs $5 and $10 per task"),      # money, not math
    (r"""G\"odel, \'{e}t\'e""", "Gödel, été"),
    (r"FlashAttention~\cite{dao2022} and {\bf bold} and \emph{this}", "FlashAttention and bold and this"),
    (r"code at \href{https://github.com/x/y}{our repository}", "code at our repository"),
    (r"``quoted'' {0,1} ~2x, 30%~50%", "“quoted” {0,1} ~2x, 30%~50%"),
    (r"language models~(LLMs), CUDA~$\leftrightarrow$~HIP", "language models (LLMs), CUDA ↔ HIP"),
    (r"\(x^{ab}\) and a line\\break", "x^ab and a line break"),
    ("a backslash at the very end \\", "a backslash at the very end \\"),
    (r"unclosed \textbf{brace and $ dollar", "unclosed brace and $ dollar"),
]


@pytest.mark.parametrize("source,shown", LATEX, ids=[s for s, _ in LATEX])
def test_latex_is_shown_as_text(source, shown):
    assert report.to_plain(source).text == shown


# (abstract, the claim's text as written, as shown)
SPANS = [
    (r"MoT matches it using only 55.8\% of the FLOPs.", r"55.8\%", "55.8%"),
    (r"It achieves $4.3\times$ higher throughput.", r"4.3\times$", "4.3×"),
    (r"up to $\textbf{2.3x}$ speedup for prefill", "2.3x", "2.3x"),
    (r"less than $\textbf{1}\%$ accuracy drop", r"1}\%", "1%"),
    ("plain 2.9x faster", "2.9x", "2.9x"),
]


@pytest.mark.parametrize("abstract,text,shown", SPANS, ids=[t for _, t, _ in SPANS])
def test_claim_spans_follow_the_text(abstract, text, shown):
    plain, start = report.to_plain(abstract), abstract.index(text)
    assert plain.text[plain.start(start):plain.end(start + len(text))] == shown


LATEXY = st.lists(st.sampled_from(list("ab1 .%$\\{}^_~`'\"x") + ["\\times", "\\textbf{", "\\cite{", "\\(",
                                                                 "\\)", "😀"]), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(LATEXY)
def test_any_text_converts_with_offsets_in_order(text):
    plain = report.to_plain(text)
    starts = [plain.start(i) for i in range(len(text) + 1)]
    ends = [plain.end(i) for i in range(len(text) + 1)]
    assert starts == sorted(starts) and ends == sorted(ends)
    assert all(0 <= s <= e <= len(plain.text) for s, e in zip(starts, ends))
    assert ends[-1] == len(plain.text)


def test_a_thousand_unclosed_commands_take_linear_time():
    # hang detector, not a timing assertion: quadratic work here would be 10^10 steps
    text = "\\cite{" * 20_000 + "$x " * 20_000 + "\\(" * 20_000
    assert len(report.to_plain(text).text) > 0


@pytest.mark.parametrize("external_id,url", [
    ("2504.12908", "https://arxiv.org/abs/2504.12908"),
    ("arXiv:2504.12908v2", "https://arxiv.org/abs/2504.12908v2"),
    ("cs/0112017", "https://arxiv.org/abs/cs/0112017"),
    ("math.GT/0309136", "https://arxiv.org/abs/math.GT/0309136"),
    ("https://example.org/paper.pdf", "https://example.org/paper.pdf"),
    ("javascript:alert(1)", None), ("data:text/html,<script>", None), ("12345", None), (None, None),
])
def test_paper_links(external_id, url):
    assert report.paper_url(external_id) == url


@pytest.mark.parametrize("table,key,value,expected", [
    ("latex", "symbols", [["times"]], "[latex] symbols = a list of [text, text] pairs"),
    ("links", "url", "([", "[links] url = a regular expression"),
    ("page", "rows_per_page", 0, "[page] rows_per_page = a positive integer"),
])
def test_a_malformed_report_toml_is_named(monkeypatch, table, key, value, expected):
    import copy
    from pipeline import resources
    from pipeline.errors import ResourceError
    bad = copy.deepcopy(resources.toml("report.toml"))
    bad[table][key] = value
    monkeypatch.setattr(resources, "toml", lambda name: bad if name == "report.toml" else {})
    report._settings.cache_clear()
    try:
        with pytest.raises(ResourceError, match=re.escape(expected)) as e:
            report._settings()
        assert "report.toml" in str(e.value)
    finally:
        report._settings.cache_clear()


def test_paper_year_from_date_or_text():
    import datetime as dt
    assert report.paper_year(dt.date(2024, 8, 23), "Aug 23, 2024") == 2024
    assert report.paper_year(None, "2025") == 2025
    assert report.paper_year(None, "Mar 12") is None
    assert report.paper_year(None, None) is None


# ---------------------------------------------------------------- tables

PAYLOADS = ['<img src=x onerror="window.__pwned=1">', "</script><script>window.__pwned=1</script>",
            '"><svg onload=window.__pwned=1>', "javascript:window.__pwned=1", r"$\foo$Net", "<!--",
            "\u2028${7*7}"]


def write_tables(out, papers, claims=(), hardware=(), comparisons=()):
    """Tables as a build writes them, from rows (a missing key is a null)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("papers", papers), ("claims", claims), ("hardware", hardware),
                       ("comparisons", comparisons)):
        pq.write_table(to_arrow(name, list(rows)), out / f"{name}.parquet")
    return out


def hostile_tables(out):
    """One paper with a payload in every text a table holds, and a plain one."""
    bad = " ".join(PAYLOADS)
    abstract = f"{bad} Our system is 2.9x faster than {bad} on an NVIDIA A100 😀 GPU, 38.2% mAP."
    pid = "0123456789abcdef"
    at = abstract.index("2.9x")
    common = dict(paper_id=pid, sentence=abstract, sentence_start=0, rule=bad, subject=bad, baseline=bad,
                  hardware=bad, metric=bad, dataset=bad)
    claims = [dict(common, claim_id=f"{pid}:{at}", char_start=at, char_end=at + 4, text="2.9x",
                   claim_type="speedup", form="factor", value=2.9, unit="x", factor=2.9),
              dict(common, claim_id=f"{pid}:{abstract.index('38.2%')}", char_start=abstract.index("38.2%"),
                   char_end=abstract.index("38.2%") + 5, text="38.2%", claim_type="accuracy",
                   form="absolute", value=38.2, unit="%")]
    hw = abstract.index("NVIDIA A100")
    hardware = [dict(paper_id=pid, hardware=bad, vendor=bad, kind="gpu", char_start=hw, char_end=hw + 11,
                     text="NVIDIA A100", rule=bad)]
    comparisons = [dict(paper_id=pid, claim_id=claims[0]["claim_id"], claim_type="speedup", subject=bad,
                        baseline=bad, subject_text=bad, baseline_text=bad, factor=2.9, form="factor",
                        value=2.9)]
    papers = [dict(paper_id=pid, title=bad, abstract=abstract, sources=[bad], published_text=bad,
                   external_id="javascript:window.__pwned=1"),
              dict(paper_id="fedcba9876543210", title="A plain paper", abstract="Nothing measured.",
                   sources=["x.jsonl"])]
    return write_tables(out, papers, claims, hardware, comparisons)


def page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def test_hostile_text_stays_data(tmp_path):
    page = report.render(hostile_tables(tmp_path / "t"))
    head = page[:page.index("<body>")]
    data = re.search(r'id="report-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in data                          # the JSON cannot close its element
    assert page.count("<script") == 2               # the data and the page's own script
    d = page_data(page)
    assert d["papers"]["title"][0] == " ".join(report.to_plain(p).text for p in PAYLOADS)
    assert d["papers"]["url"] == [None, None]       # a javascript: identifier is no link
    assert "Content-Security-Policy" in head and "script-src 'sha256-" in head


def test_no_claims_at_all(tmp_path):
    tables = write_tables(tmp_path / "t", [dict(paper_id="fedcba9876543210", title="T", abstract="A.",
                                                sources=["x"])])
    d = page_data(report.render(tables))
    assert d["claims"]["paper"] == [] and d["mentions"]["paper"] == [] and d["papers"]["id"] == ["fedcba9876543210"]


def test_offsets_count_as_javascript_does(tmp_path):
    """Past an emoji (two UTF-16 units) and a LaTeX percent, a claim's span
    still cuts its own text out of the abstract as the page holds it."""
    d = page_data(report.render(hostile_tables(tmp_path / "t")))
    c, abstract = d["claims"], d["papers"]["abstract"][0].encode("utf-16-le")
    texts = [abstract[2 * s:2 * e].decode("utf-16-le") for s, e in zip(c["start"], c["end"])]
    assert texts == ["2.9x", "38.2%"]


def test_page_data_of_the_real_build(built):
    out, _ = built
    d = page_data(report.render(out))
    claims = pq.read_table(out / "claims.parquet")
    assert len(d["claims"]["paper"]) == claims.num_rows
    assert len(d["papers"]["id"]) == pq.read_table(out / "papers.parquet").num_rows
    assert not any("\\%" in t for t in d["papers"]["title"])
    floats = [v for k in ("value", "factor") for v in d["claims"][k] if v is not None]
    assert all(len(repr(v).replace(".", "").lstrip("0")) <= 7 for v in floats)   # 6 significant digits


@pytest.mark.parametrize("layout", ["file", "folder"])
def test_tables_as_a_file_or_a_folder_of_parts(built, tmp_path, layout):
    """OUT/claims.parquet as a file (what both engines write) or as a folder
    of part files (a dataset written by another tool). The Dask engine's
    OUT/claims/part-*.parquet of before the generation layout is no longer
    read: every build removes it (pipeline/write.py)."""
    out, _ = built
    if layout == "file":
        tables = out
    else:
        tables = tmp_path / "t"
        for name in ("papers", "claims", "hardware", "comparisons"):
            folder = tables / f"{name}.parquet"
            folder.mkdir(parents=True)
            t = pq.read_table(out / f"{name}.parquet")
            half = t.num_rows // 2
            pq.write_table(t.slice(0, half), folder / "part-0.parquet")
            pq.write_table(t.slice(half), folder / "part-1.parquet")
    d = page_data(report.render(tables))
    assert len(d["claims"]["paper"]) == pq.read_table(out / "claims.parquet").num_rows


def test_cli_writes_the_page(built, tmp_path):
    out, _ = built
    page = tmp_path / "sub" / "claims.html"
    run = subprocess.run([sys.executable, "-m", "pipeline.report", "--tables", str(out), "--out", str(page)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert page.exists() and not list(page.parent.glob(".*.tmp"))
    assert "<!doctype html>" in page.read_text()


def test_cli_without_tables_says_what_to_do(tmp_path):
    run = subprocess.run([sys.executable, "-m", "pipeline.report", "--tables", str(tmp_path / "none"),
                          "--out", str(tmp_path / "x.html")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "run `make` first" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "x.html").exists()
