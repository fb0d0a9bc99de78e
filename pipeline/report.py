"""`make report`: one self-contained HTML page of the built tables, for
reading and filtering claims in a browser, offline.

The page holds the tables as one JSON document and draws everything from it
in the browser (resources/report.js): the claims table (filters, structured
search, sorting, the state in the URL, CSV export), a view of each paper
with its claims marked in the abstract, and four plots of the claims shown.

>>> to_plain(r"up to $4.3\\times$ faster, 47.2\\% of \\textsc{FooServe}'s time").text
"up to 4.3× faster, 47.2% of FooServe's time"

Every text from the abstracts reaches the page as JSON data and is put into
the document as text (never as markup); LaTeX is shown as plain text
(to_plain), never typeset, so no title or name can break the page.
"""
from __future__ import annotations

import argparse
import base64
import bisect
import functools
import hashlib
import html
import json
import math
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from string import Template

import pandas as pd
import pyarrow.dataset as pads

from . import resources
from .config import PROCESSED, REPORTS, RESOURCES
from .errors import ResourceError
from .schemas import table_path, vocabularies

# ---------------------------------------------------------------------------
# LaTeX as plain text, with a map from every offset of the source to the text


@dataclass(frozen=True)
class LatexRules:
    """What each piece of LaTeX prints (resources/report.toml, reading.toml)."""
    symbols: dict[str, str]
    escapes: dict[str, str]
    accents: dict[str, str]
    markup: frozenset[str]
    dropped: frozenset[str]
    first_argument_dropped: frozenset[str]
    superscripts: dict[str, str]
    subscripts: dict[str, str]
    quotes: dict[str, str]


# What each entry of resources/report.toml must be (checked when it is read).
_SHAPES = {
    "latex": {"symbols": "pairs", "escapes": "pairs", "accents": "pairs", "quotes": "pairs",
              "markup_commands": "words", "dropped_commands": "words", "first_argument_dropped": "words",
              "superscripts": "words", "subscripts": "words"},
    "links": {"arxiv_id": "pattern", "arxiv_url": "text", "url": "pattern"},
    "dates": {"year_in_text": "pattern"},
    "page": {"rows_per_page": "count", "devices": "count", "leaderboards": "count",
             "leaderboard_rows": "count", "baselines": "count", "label_chars": "count"},
}
_VALID = {
    "pairs": lambda v: isinstance(v, list) and all(isinstance(p, list) and len(p) == 2
                                                    and all(isinstance(x, str) for x in p) for p in v),
    "words": lambda v: (isinstance(v, list) and all(isinstance(x, str) for x in v))
                       or (isinstance(v, str) and all(len(w) == 2 for w in v.split())),
    "text": lambda v: isinstance(v, str),
    "count": lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0,
    "pattern": lambda v: isinstance(v, str) and _compiles(v),
}
_WHAT = {"pairs": "a list of [text, text] pairs", "words": "a list of strings (or two-character words)",
         "text": "a string", "count": "a positive integer", "pattern": "a regular expression"}


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


@functools.cache
def _settings() -> dict:
    """resources/report.toml, every entry checked against _SHAPES."""
    data = resources.toml("report.toml")
    for table, entries in _SHAPES.items():
        for key, shape in entries.items():
            if not _VALID[shape](data.get(table, {}).get(key)):
                raise ResourceError(RESOURCES / "report.toml", None, f"[{table}] {key} = {_WHAT[shape]}")
    return data


@functools.cache
def latex_rules() -> LatexRules:
    r, reading = _settings()["latex"], resources.toml("reading.toml")
    pairs = lambda s: {p[0]: p[1:] for p in s.split()}
    return LatexRules(
        symbols=dict(r["symbols"]), escapes=dict(r["escapes"]), accents=dict(r["accents"]),
        markup=frozenset(reading["markup_commands"]) | frozenset(r["markup_commands"]),
        dropped=frozenset(reading["dropped_commands"]) | frozenset(r["dropped_commands"]),
        first_argument_dropped=frozenset(r["first_argument_dropped"]),
        superscripts=pairs(r["superscripts"]), subscripts=pairs(r["subscripts"]), quotes=dict(r["quotes"]))


# What can start LaTeX markup: a command, a backslash escape, a math dollar,
# a brace, a script, a tie, a two-character quote.
_SPECIAL = re.compile(r"\\[A-Za-z]+\*?|\\.|\\\Z|\$|[{}^_~]|``|''", re.S)
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_ACCENTED = re.compile(r"\{([A-Za-z])\}|([A-Za-z])")


@dataclass(frozen=True)
class Plain:
    """A text with its LaTeX shown as plain text, and where each offset of
    the source went: pieces are (source start, source end, text start, text
    end, literal), a literal piece copied one for one. None: unchanged."""
    text: str
    pieces: tuple | None = None

    def start(self, i: int) -> int:
        """Where a span starting at source offset i starts in the text (a span
        starting inside a command starts at the command's output)."""
        return self._at(i, 2)

    def end(self, i: int) -> int:
        """Where a span ending at source offset i ends in the text (a span
        ending inside a command ends after the command's output)."""
        return self._at(i, 3)

    def _at(self, i: int, edge: int) -> int:
        if self.pieces is None:
            return i
        k = bisect.bisect_right(self._starts, i) - 1
        if k < 0:
            return 0
        s, e, o, oe, literal = self.pieces[k]
        if i >= e:                      # at or past the end of the source
            return oe
        if literal:
            return o + (i - s)
        return o if i == s else self.pieces[k][edge]

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [p[0] for p in self.pieces]


def _braces(text: str) -> dict[int, int]:
    """Offset of every '{' -> offset of its matching '}' (one pass, so that
    a thousand unclosed braces cost no more than one)."""
    pairs, stack, i = {}, [], 0
    while (i := _next_brace(text, i)) >= 0:
        if text[i] == "{":
            stack.append(i)
        elif stack:
            pairs[stack.pop()] = i
        i += 1
    return pairs


_BRACE = re.compile(r"\\.|[{}]", re.S)


def _next_brace(text: str, i: int) -> int:
    while m := _BRACE.search(text, i):
        if m.group() in "{}":
            return m.start()
        i = m.end()
    return -1


def _math_closers(text: str) -> list[int]:
    """Offsets of the dollars that can close math (pandoc's rule: not after a
    space, not before a digit), so "$5 and $10" stays money."""
    return [m.start() for m in re.finditer(r"(?<!\\)\$", text)
            if m.start() > 0 and not text[m.start() - 1].isspace()
            and not (m.start() + 1 < len(text) and text[m.start() + 1].isdigit())]


def to_plain(text: str, rules: LatexRules | None = None) -> Plain:
    """`text` with LaTeX markup shown as plain text (resources/report.toml).

    >>> to_plain(r"$\\mathcal{O}(n^2)$ for H$_2$O, $5 and $10").text
    'O(n²) for H₂O, $5 and $10'
    >>> p = to_plain(r"in 47.2\\% of the time"); p.text, p.start(3), p.end(9)
    ('in 47.2% of the time', 3, 8)
    """
    if not _SPECIAL.search(text):
        return Plain(text)
    return _Converter(text, rules or latex_rules()).run()


class _Converter:
    """One left-to-right pass over a text; state: inside math or not, and
    for each open brace whether it is shown."""

    def __init__(self, text: str, rules: LatexRules):
        self.text, self.r = text, rules
        self.out: list[str] = []
        self.pieces: list[tuple] = []
        self.o = 0
        self.braces: list[bool] = []
        self.pairs = _braces(text) if "{" in text else {}
        self.closers = _math_closers(text) if "$" in text else []
        self.double_closers = [i for i in self.closers if text.startswith("$$", i)]
        self.math_end: int | None = None     # offset of the delimiter that closes the math
        self.math_close = ""                  # that delimiter
        self.argument_next = False            # the next "{" is a command's argument
        self.closing: dict[str, list[int]] = {}

    def emit(self, s: int, e: int, out: str, literal: bool = False) -> None:
        self.pieces.append((s, e, self.o, self.o + len(out), literal))
        self.out.append(out)
        self.o += len(out)

    def run(self) -> Plain:
        text, pos = self.text, 0
        while m := _SPECIAL.search(text, pos):
            if m.start() > pos:
                self.emit(pos, m.start(), text[pos:m.start()], True)
                self.argument_next = False
            pos = self.token(m.group(), m.start(), m.end())
        if pos < len(text):
            self.emit(pos, len(text), text[pos:], True)
        return Plain("".join(self.out), tuple(self.pieces))

    def token(self, tok: str, s: int, e: int) -> int:
        """Emits the token at s..e (and what it consumes); returns where to go on."""
        text, r, argument = self.text, self.r, self.argument_next
        self.argument_next = False
        if tok == "$":
            return self.dollar(s)
        if tok[0] == "\\" and len(tok) > 1 and tok[1].isalpha():
            return self.command(tok[1:].rstrip("*"), tok, s, e)
        if tok == "\\":                       # a backslash that ends the text
            self.emit(s, e, tok, True)
            return e
        if tok[0] == "\\":
            return self.escape(tok[1:], s, e)
        if tok == "{":
            shown = not (self.math_end is not None or argument or text.startswith("\\", e))
            self.braces.append(not shown)
            self.emit(s, e, tok if shown else "", shown)
        elif tok == "}":
            dropped = self.braces.pop() if self.braces else False
            self.emit(s, e, "" if dropped else tok, not dropped)
        elif tok in "^_" and self.math_end is not None:
            return self.script(tok, s, e)
        elif tok == "~" and (self.math_end is not None or _tie(text, s)):
            # a tie: a space, or nothing before a command shown as nothing ("X~\cite{y}")
            m = _COMMAND.match(text, e)
            self.emit(s, e, "" if m and m[1] in r.dropped else " ")
        elif tok in r.quotes:
            self.emit(s, e, r.quotes[tok])
        else:
            self.emit(s, e, tok, True)
        return e

    def dollar(self, s: int) -> int:
        text = self.text
        if self.math_end == s:                                  # closes the math
            e = s + len(self.math_close)
            self.emit(s, e, "")
            self.math_end = None
            return e
        if self.math_end is None:
            delim = "$$" if text.startswith("$$", s) else "$"
            e = s + len(delim)
            closers = self.closers if delim == "$" else self.double_closers
            if e < len(text) and not text[e].isspace():
                k = bisect.bisect_left(closers, e)
                if k < len(closers):
                    self.math_end, self.math_close = closers[k], delim
                    self.emit(s, e, "")
                    return e
        self.emit(s, s + 1, "$", True)
        return s + 1

    def command(self, name: str, tok: str, s: int, e: int) -> int:
        r = self.r
        if name in r.dropped or name in r.first_argument_dropped:
            j = e
            while j < len(self.text) and self.text[j] == " ":
                j += 1
            end = self.pairs.get(j, e - 1) + 1 if self.text.startswith("{", j) else e
            self.emit(s, end, "")
            self.argument_next = name in r.first_argument_dropped
            return end
        if name in r.markup:
            if not self.text.startswith("{", e):        # a switch ("{\bf X}"): the spaces after it too
                while e < len(self.text) and self.text[e] == " ":
                    e += 1
            self.emit(s, e, "")
            self.argument_next = True
        elif name in r.symbols:
            self.emit(s, e, r.symbols[name])
        else:                                   # shown as written; its braces only group
            self.emit(s, e, tok, True)
            self.argument_next = True
        return e

    def escape(self, c: str, s: int, e: int) -> int:
        r, text = self.r, self.text
        if c in "([" and self.math_end is None:
            close = self.delimiters(")" if c == "(" else "]")
            k = bisect.bisect_left(close, e)
            if k < len(close):
                self.math_end, self.math_close = close[k], "\\" + text[close[k] + 1]
                self.emit(s, e, "")
                return e
        if self.math_end == s and c in ")]":
            self.math_end = None
            self.emit(s, e, "")
            return e
        if c in r.accents and (m := _ACCENTED.match(text, e)):
            self.emit(s, m.end(), unicodedata.normalize("NFC", (m[1] or m[2]) + r.accents[c]))
            return m.end()
        if c in r.escapes:
            self.emit(s, e, r.escapes[c])
        else:
            self.emit(s, e, "\\" + c, True)
        return e

    def delimiters(self, c: str) -> list[int]:
        """Offsets of every '\\)' (or '\\]') that can close math, found once."""
        if c not in self.closing:
            self.closing[c] = [m.start() for m in re.finditer(r"\\.", self.text, re.S) if m.group()[1] == c]
        return self.closing[c]

    def script(self, tok: str, s: int, e: int) -> int:
        """'^{...}' or '^x' in math: Unicode scripts where every character has one."""
        text = self.text
        if text.startswith("{", e) and e in self.pairs:
            body, end = text[e + 1:self.pairs[e]], self.pairs[e] + 1
        elif e < len(text) and not text[e].isspace() and text[e] not in "{}$\\":
            body, end = text[e], e + 1
        else:
            self.emit(s, e, tok, True)
            return e
        body = to_plain(body, self.r).text
        table = self.r.superscripts if tok == "^" else self.r.subscripts
        shown = "".join(table[c] for c in body) if body and all(c in table for c in body) else tok + body
        self.emit(s, end, shown)
        return end


def _tie(text: str, i: int) -> bool:
    """Whether the '~' at i is LaTeX's unbreakable space ("models~(LLMs)",
    "X~\\cite{y}") rather than "about" ("~2x", "30%~50%"): it joins two
    words, and no digit follows."""
    after = text[i + 1:i + 2]
    return i > 0 and not text[i - 1].isspace() and after != "" and not after.isspace() \
        and (after == "\\" or not after.isdigit())


def plain_text(text) -> str | None:
    """to_plain(text).text; None for a null."""
    return None if _null(text) else to_plain(str(text)).text


def _null(v) -> bool:
    """None, NaN, NaT or pd.NA (a scalar cell of any column)."""
    return v is None or (not isinstance(v, (str, list, tuple)) and bool(pd.isna(v)))


class _Utf16:
    """Python offsets (code points) to JavaScript's (UTF-16 code units)."""

    def __init__(self, text: str):
        self.astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF] if not text.isascii() else []

    def __call__(self, i: int) -> int:
        return i + bisect.bisect_left(self.astral, i) if self.astral else i


# ---------------------------------------------------------------------------
# The tables, as the page's JSON document

PAPER_COLUMNS = ["paper_id", "title", "abstract", "published", "published_text", "external_id"]
CLAIM_COLUMNS = ["claim_id", "paper_id", "char_start", "char_end", "sentence", "sentence_start",
                 "claim_type", "form", "value", "value_max", "unit", "factor", "factor_max",
                 "qualifier", "direction", "subject", "baseline", "hardware", "metric", "dataset"]
HARDWARE_COLUMNS = ["paper_id", "hardware", "vendor", "char_start", "char_end"]
COMPARISON_COLUMNS = ["claim_id", "baseline", "factor"]
# claim columns sent as codes into their distinct texts (hardware: with the mentions')
TEXT_COLUMNS = ("subject", "baseline", "metric", "dataset", "unit", "qualifier", "direction", "form")


class TablesNotFound(FileNotFoundError):
    pass


def read_table(tables: Path, name: str, columns: list[str]) -> pd.DataFrame:
    """A built table (OUT/<table>.parquet, a file or a folder of part files),
    the columns it has of `columns`, dictionary columns as plain strings."""
    path = table_path(tables, name)
    if not path.exists():
        raise TablesNotFound(f"{path}: no {name} table (expected {tables}/{name}.parquet; run `make` first)")
    data = pads.dataset(path, format="parquet")
    table = data.to_table(columns=[c for c in columns if c in data.schema.names])
    df = table.to_pandas()
    for c in df.columns:
        if isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = df[c].astype(object)
    for c in columns:
        if c not in df.columns:
            df[c] = None
    return df


def paper_url(external_id) -> str | None:
    """The page of a paper: https://arxiv.org/abs/<id> for an arXiv id, the
    identifier itself if it is an http(s) URL, else None."""
    if _null(external_id):
        return None
    links, ext = _settings()["links"], str(external_id).strip()
    if m := re.match(links["arxiv_id"], ext):
        return links["arxiv_url"].format(id=m["id"])
    return ext if re.match(links["url"], ext) else None


def paper_year(published, published_text) -> int | None:
    if not _null(published):
        return int(pd.Timestamp(published).year)
    if not _null(published_text) and (m := re.search(_settings()["dates"]["year_in_text"], str(published_text))):
        return int(m.group())
    return None


def _rounded(values: pd.Series) -> list:
    """Floats to 6 significant digits (no 2.9000000000000004), NaN as null."""
    return [None if _null(v) or math.isinf(v) else float(f"{v:.6g}") for v in values.tolist()]


def _encode(values: pd.Series) -> tuple[list[int], list[str]]:
    """Dictionary encoding of a text column shown as plain text: codes
    (-1 for null) and the distinct texts, most frequent first."""
    shown = values.map(plain_text, na_action="ignore")
    order = shown.value_counts(dropna=True)
    index = {v: i for i, v in enumerate(order.index)}
    return [index.get(v, -1) if not _null(v) else -1 for v in shown.tolist()], list(order.index)


def payload(papers: pd.DataFrame, claims: pd.DataFrame, hardware: pd.DataFrame,
            comparisons: pd.DataFrame) -> dict:
    """The page's data: columns of papers, claims and hardware mentions, texts
    shown as plain text and offsets as the page counts them (UTF-16 units
    of the plain abstract)."""
    vocab = vocabularies()
    papers = papers.assign(year=pd.array([paper_year(p, t) for p, t in zip(papers.published, papers.published_text)],
                                         dtype="Int64"))
    papers = papers.sort_values(["year", "title"], ascending=[False, True], na_position="last",
                                kind="stable").reset_index(drop=True)
    pindex = {pid: i for i, pid in enumerate(papers.paper_id)}
    abstracts = [to_plain(a) for a in papers.abstract]
    utf16 = [_Utf16(a.text) for a in abstracts]

    claims = claims[claims.paper_id.isin(pindex)].copy()
    claims["p"] = claims.paper_id.map(pindex)
    claims = claims.sort_values(["p", "char_start"], kind="stable").reset_index(drop=True)

    def spans(frame: pd.DataFrame, start: str, end: str) -> tuple[list[int], list[int]]:
        s, e = [], []
        for p, a, b in zip(frame.p.tolist(), frame[start].tolist(), frame[end].tolist()):
            s.append(utf16[p](abstracts[p].start(int(a))))
            e.append(utf16[p](abstracts[p].end(int(b))))
        return s, e

    claims["sentence_end"] = claims.sentence_start + claims.sentence.str.len()
    cs, ce = spans(claims, "char_start", "char_end")
    ss, se = spans(claims, "sentence_start", "sentence_end")

    hardware = hardware[hardware.paper_id.isin(pindex)].copy()
    hardware["p"] = hardware.paper_id.map(pindex)
    hs, he = spans(hardware, "char_start", "char_end")
    names = pd.concat([claims.hardware, hardware.hardware], ignore_index=True)
    hw_codes, devices = _encode(names)
    named = hardware.assign(name=hardware.hardware.map(plain_text))
    vendors = named.dropna(subset=["vendor"]).groupby("name").vendor.first()
    known = set(named.name)

    beaten = comparisons[comparisons.factor.isna() | (comparisons.factor > 1)]
    beaten = claims.claim_id.map(dict(zip(beaten.claim_id, beaten.baseline)))

    lower = {r["name"].lower() for r in resources.csv_rows("metrics.csv") if r["lower_is_better"] == "1"}
    encoded = {c: _encode(claims[c]) for c in TEXT_COLUMNS} | {"beaten": _encode(beaten)}
    types = vocab["claim_type"]
    return {
        "types": types, "relative": vocab["relative_claim_type"],
        "settings": _settings()["page"],
        "papers": {
            "id": papers.paper_id.tolist(), "title": [to_plain(t).text for t in papers.title],
            "year": [None if _null(y) else int(y) for y in papers.year],
            "url": [paper_url(x) for x in papers.external_id],
            "abstract": [a.text for a in abstracts]},
        "claims": {
            "paper": claims.p.tolist(), "char_start": claims.char_start.tolist(),
            "start": cs, "end": ce, "sentence_start": ss, "sentence_end": se,
            "type": [types.index(t) for t in claims.claim_type],
            "hardware": hw_codes[:len(claims)],
            "value": _rounded(claims.value), "value_max": _rounded(claims.value_max),
            "factor": _rounded(claims.factor), "factor_max": _rounded(claims.factor_max),
            **{c: codes for c, (codes, _) in encoded.items()}},
        # the distinct texts of each dictionary-encoded column, which the codes index
        "values": {c: values for c, (_, values) in encoded.items()} | {"hardware": devices},
        "devices": {"vendor": [vendors.get(d) for d in devices],
                    "generic": [d in known and d not in vendors for d in devices]},
        "lower_is_better": [m.lower() in lower for m in encoded["metric"][1]],
        "mentions": {"paper": hardware.p.tolist(), "start": hs, "end": he,
                     "hardware": hw_codes[len(claims):]},
    }


def _script_json(data: dict) -> str:
    """JSON that cannot end the <script> element holding it ('<' written as \\u003c)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for c, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                   ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(c, esc)
    return text


def render(tables: Path) -> str:
    """The page for the tables in `tables`."""
    papers = read_table(tables, "papers", PAPER_COLUMNS)
    claims = read_table(tables, "claims", CLAIM_COLUMNS)
    hardware = read_table(tables, "hardware", HARDWARE_COLUMNS)
    comparisons = read_table(tables, "comparisons", COMPARISON_COLUMNS)
    data = payload(papers, claims, hardware, comparisons)
    summary = (f"{len(papers):,} papers, {len(data['claims']['paper']):,} claims, "
               f"{len(data['mentions']['paper']):,} hardware mentions")
    page = Template((RESOURCES / "report.html").read_text(encoding="utf-8"))
    script = (RESOURCES / "report.js").read_text(encoding="utf-8")
    # the Content-Security-Policy lets run only this script, by its hash (the
    # element's whole text: the template puts it between two line breaks)
    digest = base64.b64encode(hashlib.sha256(f"\n{script}\n".encode()).digest()).decode()
    return page.substitute(summary=html.escape(summary), script_hash=f"sha256-{digest}", script=script,
                           style=(RESOURCES / "report.css").read_text(encoding="utf-8"),
                           data=_script_json(data))


def write(tables: Path, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(render(tables), encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.report", description=__doc__.splitlines()[0])
    ap.add_argument("--tables", default=str(PROCESSED), help="folder of the built tables (default: %(default)s)")
    ap.add_argument("--out", default=str(REPORTS / "claims.html"), help="the page to write (default: %(default)s)")
    args = ap.parse_args(argv)
    try:
        print(write(Path(args.tables), Path(args.out)))
    except TablesNotFound as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
