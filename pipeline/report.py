"""`make report`: one self-contained HTML page (no network needed to view it)
with plots of the claims and a searchable table, from the built tables.

Plots are drawn by matplotlib as inline SVG; all text from abstracts is
HTML-escaped; the page template is resources/report.html.
"""
from __future__ import annotations

import argparse
import html
import io
import os
from pathlib import Path
from string import Template

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .config import PROCESSED, REPORTS, RESOURCES  # noqa: E402
from .schemas import table_path, vocabularies  # noqa: E402


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{html.escape(caption)}</figcaption></figure>"


def factor_by_type(claims: pd.DataFrame) -> str:
    rel = [t for t in vocabularies()["relative_claim_type"] if (claims.claim_type == t).any()]
    data = [claims.loc[(claims.claim_type == t) & claims.factor.notna() & (claims.factor > 0), "factor"]
            for t in rel]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.boxplot(data, orientation="horizontal", tick_labels=[f"{t} ({len(d)})" for t, d in zip(rel, data)])
    ax.set_xscale("log")
    ax.set_xlabel("factor (old cost / new cost, log scale)")
    ax.axvline(1, color="#999", lw=0.8)
    return _figure(_svg(fig), "Claimed efficiency factors by claim type")


def factor_by_hardware(claims: pd.DataFrame, top: int = 10) -> str:
    sp = claims[(claims.claim_type == "speedup") & claims.factor.notna() & claims.hardware.notna()]
    names = sp.hardware.value_counts().head(top).index.tolist()[::-1]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for i, h in enumerate(names):
        f = sp.loc[sp.hardware == h, "factor"]
        ax.scatter(f, [i] * len(f), alpha=0.7)
    ax.set_yticks(range(len(names)), names)
    ax.set_xscale("log")
    ax.set_xlabel("speedup factor (log scale)")
    return _figure(_svg(fig), "Speedups by the hardware they were measured on")


def claims_per_source(papers: pd.DataFrame, claims: pd.DataFrame) -> str:
    n = claims.groupby("paper_id").size()
    rows = papers[["paper_id", "sources"]].explode("sources")
    rows["claims"] = rows.paper_id.map(n).fillna(0)
    per = rows.groupby("sources")["claims"].sum().sort_index()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.barh(per.index.tolist(), per.values)
    ax.set_xlabel("claims")
    return _figure(_svg(fig), "Claims per source file")


def common_baselines(comparisons: pd.DataFrame, top: int = 15) -> str:
    counts = comparisons.groupby("baseline").paper_id.nunique().sort_values().tail(top)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.barh(counts.index.tolist(), counts.values)
    ax.set_xlabel("papers")
    return _figure(_svg(fig), "Most common baselines")


def _e(value) -> str:
    """HTML-escaped text of a cell; empty for null."""
    return "" if value is None or (isinstance(value, float) and value != value) else html.escape(str(value))


def _highlight(sentence: str, text: str, rel: int) -> str:
    """The sentence, escaped, with the claim's own number marked."""
    if sentence[rel:rel + len(text)] != text:
        return _e(sentence)
    return _e(sentence[:rel]) + "<mark>" + _e(text) + "</mark>" + _e(sentence[rel + len(text):])


def render(tables: Path) -> str:
    papers = pd.read_parquet(table_path(tables, "papers"))
    claims = pd.read_parquet(table_path(tables, "claims"))
    comparisons = pd.read_parquet(table_path(tables, "comparisons"))
    for df in (claims, comparisons):
        for c in df.columns:
            if isinstance(df[c].dtype, pd.CategoricalDtype):
                df[c] = df[c].astype(object)
    titles = dict(zip(papers.paper_id, papers.title))
    figures = "\n".join([factor_by_type(claims), factor_by_hardware(claims),
                         claims_per_source(papers, claims), common_baselines(comparisons)])
    rows = []
    for c in claims.sort_values(["paper_id", "char_start"]).itertuples():
        factor = "" if pd.isna(c.factor) else f"{c.factor:.3g}"
        rows.append(
            "<tr>"
            f"<td title='{_e(c.paper_id)}'>{_e(titles.get(c.paper_id, '')[:80])}</td>"
            f"<td>{_e(c.claim_type)}</td><td>{_e(c.text)}</td>"
            f"<td class='num'>{factor}</td><td>{_e(c.baseline)}</td><td>{_e(c.hardware)}</td>"
            f"<td>{_highlight(c.sentence, c.text, c.char_start - c.sentence_start)}</td></tr>")
    summary = (f"{len(papers):,} papers, {len(claims):,} claims, {len(comparisons):,} comparisons "
               f"with a named subject and baseline.")
    template = Template((RESOURCES / "report.html").read_text(encoding="utf-8"))
    return template.substitute(summary=html.escape(summary), figures=figures, n_claims=len(claims),
                               rows="\n".join(rows))


def write(tables: Path, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".html.tmp")
    tmp.write_text(render(tables), encoding="utf-8")
    os.replace(tmp, out)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m pipeline.report", description=__doc__.splitlines()[0])
    ap.add_argument("--tables", default=str(PROCESSED))
    ap.add_argument("--out", default=str(REPORTS / "claims.html"))
    args = ap.parse_args(argv)
    print(write(Path(args.tables), Path(args.out)))


if __name__ == "__main__":
    main()
