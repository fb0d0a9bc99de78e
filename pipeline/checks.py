"""The expectation suites compiled to vectorized Arrow checks.

schemas/expectations/<table>.toml declares each table's expectations in
great-expectations' terms, and stays the contract: every batch of rows is
checked here by pyarrow.compute expressions compiled from those
declarations (once per process), and great-expectations itself runs once
per build, on the written tables, for the data docs (pipeline/validate.py).
tests/test_validate_gx.py holds these checks to great-expectations'
verdicts. The semantics are those of great-expectations 1.x on pandas:

- a missing value is a null or a NaN (pandas' isnull); an expectation on
  a column's values skips missing values, but for not_be_null;
- `mostly` (default 1): the expectation succeeds when the share of the rows
  it considers that are as expected is at least `mostly`; with no row to
  consider it succeeds. Rows are rejected (or counted, for `level = "warn"`)
  only for an expectation that fails;
- `row_condition` (with condition_parser = "pandas", the syntax of
  DataFrame.query): the expectation sees only the rows where it holds; a
  comparison with a missing value is false, but for != and `not in`;
- be_between, value_lengths_to_be_between: bounds are inclusive unless
  strict_min / strict_max; column_pair_values_a_to_be_greater_than_b: A > B,
  A >= B with or_equal; rows are dropped as `ignore_row_if` says
  (both_values_are_missing by default, either_value_is_missing, neither),
  and a comparison with a missing value fails;
- be_unique: every occurrence of a repeated value is unexpected; in_set and
  be_unique take -0.0 for 0.0, as pandas' hashing does;
- match_regex: Python's re.search (pandas' str.contains), run by RE2 on
  printable-ASCII values when the pattern means the same there, by `re` on
  the others;
- a row's reasons come in great-expectations' order (in_report_order).

A declaration of a type, a key or a column these checks do not know is a
ResourceError naming the file, the line of its [[expect]] and what was
expected, when the suite is compiled.
"""
from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import resources
from .config import SCHEMAS
from .errors import ResourceError
from .schemas import vocabularies

LEVELS = ("row", "warn", "table")
_NOTES = {"type", "level", "message", "meta", "notes", "description"}    # keys that change no verdict
_CONDITION = {"row_condition", "condition_parser"}
_KEYS = {      # each supported type: its required keys, its optional keys
    "expect_column_values_to_not_be_null": ({"column"}, {"mostly"} | _CONDITION),
    "expect_column_values_to_be_in_set": ({"column", "value_set"}, {"mostly"} | _CONDITION),
    "expect_column_values_to_be_between": (
        {"column"}, {"min_value", "max_value", "strict_min", "strict_max", "mostly"} | _CONDITION),
    "expect_column_values_to_match_regex": ({"column", "regex"}, {"mostly"} | _CONDITION),
    "expect_column_values_to_be_unique": ({"column"}, {"mostly"} | _CONDITION),
    "expect_column_value_lengths_to_be_between": (
        {"column"}, {"min_value", "max_value", "strict_min", "strict_max", "mostly"} | _CONDITION),
    "expect_column_pair_values_a_to_be_greater_than_b": (
        {"column_A", "column_B"}, {"or_equal", "ignore_row_if", "mostly"} | _CONDITION),
    "expect_table_row_count_to_be_between": (set(), {"min_value", "max_value", "strict_min", "strict_max"}
                                             | _CONDITION),
}
_IGNORE_ROW_IF = ("both_values_are_missing", "either_value_is_missing", "neither")


@dataclass(frozen=True)
class Verdict:
    success: bool
    unexpected: np.ndarray | None    # per row of the batch; None for an expectation on the whole table
    result: dict                     # a summary, as great-expectations gives one


@dataclass(frozen=True)
class Check:
    name: str                        # the expectation as rejected rows name it: type(column)
    level: str                       # row, warn or table
    message: str                     # the words of a warning
    columns: tuple[str, ...]         # the columns it reads, its row condition's among them
    verdict: Callable[[pa.Table], Verdict]


def suite_path(table: str) -> str:
    return f"schemas/expectations/{table}.toml"


def name(decl: dict) -> str:
    col = decl.get("column") or ",".join(str(decl[k]) for k in ("column_A", "column_B") if k in decl)
    return f"{decl['type']}({col})" if col else decl["type"]


@functools.cache
def declarations(table: str) -> tuple[dict, ...]:
    """The table's [[expect]] declarations, "@vocab:NAME" values replaced by
    the vocabulary's list."""
    path = f"expectations/{table}.toml"
    decls = resources.toml(path).get("expect", [])
    vocab = vocabularies()
    out = []
    for n, d in enumerate(decls):
        d = dict(d)
        for k, v in list(d.items()):
            if isinstance(v, str) and v.startswith("@vocab:"):
                if v[7:] not in vocab:
                    raise ResourceError(f"schemas/{path}", _lines(table)[n], f"a vocabulary named {v[7:]!r}")
                d[k] = list(vocab[v[7:]])
        out.append(d)
    return tuple(out)


@functools.cache
def _lines(table: str) -> tuple[int | None, ...]:
    """The line of each [[expect]] of the table's suite, in order."""
    text = (SCHEMAS / "expectations" / f"{table}.toml").read_text(encoding="utf-8")
    found = tuple(i for i, ln in enumerate(text.splitlines(), 1) if re.match(r"\s*\[\[\s*expect\s*\]\]", ln))
    return found + (None,) * len(resources.toml(f"expectations/{table}.toml").get("expect", []))


def compiled(table: str, schema: pa.Schema) -> tuple[Check, ...]:
    """The table's suite as checks over a batch of `schema` (the table's
    columns, dictionaries as plain strings, and the derived "_" columns)."""
    return _compiled(table, schema)


@functools.cache
def _compiled(table: str, schema: pa.Schema) -> tuple[Check, ...]:
    decls = list(zip(declarations(table), _lines(table)))
    return tuple(compile_one(d, schema, suite_path(table), line) for d, line in in_report_order(decls))


def in_report_order(items: list) -> list:
    """Declarations (or (declaration, ...) tuples) in the order
    great-expectations validates and reports them, which is the order of a
    rejected row's reasons: grouped by `column`, groups in the order of their
    first declaration, and those without a column (pairs, the table's row
    count) one group at the first of them."""
    groups: dict[object, list] = {}
    for item in items:
        d = item[0] if isinstance(item, tuple) else item
        groups.setdefault(d["column"] if isinstance(d.get("column"), str) else None, []).append(item)
    return [item for group in groups.values() for item in group]


def compile_one(decl: dict, schema: pa.Schema, path: str = "<suite>", line: int | None = None) -> Check:
    """One declaration as a Check; ResourceError if it is not one we know."""
    def fail(expected: str):
        raise ResourceError(path, line, expected)

    kind = decl.get("type")
    if kind not in _KEYS:
        fail(f"an expectation type in [{', '.join(sorted(_KEYS))}], not {kind!r}")
    required, optional = _KEYS[kind]
    if missing := sorted(required - decl.keys()):
        fail(f"{', '.join(missing)} for {kind}")
    if unknown := sorted(decl.keys() - required - optional - _NOTES):
        fail(f"only the keys {sorted(required | optional | _NOTES)} for {kind}, not {', '.join(unknown)}")
    level = decl.get("level", "row")
    if level not in LEVELS:
        fail(f"a level in {list(LEVELS)}, not {level!r}")
    mostly = decl.get("mostly", 1)
    if isinstance(mostly, bool) or not isinstance(mostly, (int, float)) or not 0 <= mostly <= 1:
        fail(f"mostly between 0 and 1, not {mostly!r}")
    columns = [decl[k] for k in ("column", "column_A", "column_B") if k in decl]
    for c in columns:
        if c not in schema.names:
            fail(f"a column of the table ({', '.join(schema.names)}), not {c!r}")
    condition, condition_columns = _condition(decl, schema, fail)
    build = _BUILDERS[kind]
    verdict = build(decl, schema, fail, condition, mostly)
    return Check(name(decl), level, decl.get("message", name(decl)),
                 tuple(dict.fromkeys(columns + condition_columns)), verdict)


# ---------------------------------------------------------------- helpers

def _np(mask) -> np.ndarray:
    """A boolean Arrow array as numpy, null as False."""
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False)


def _missing(col) -> np.ndarray:
    return _np(pc.is_null(col, nan_is_null=True))


def _hashed(values):
    """Values as pandas hashes them: -0.0 is 0.0 (Arrow's is_in and
    value_counts tell them apart)."""
    if pa.types.is_floating(values.type):
        return pc.add(values, pa.scalar(0.0, values.type))
    return values


def _all(frame: pa.Table) -> np.ndarray:
    return np.ones(frame.num_rows, dtype=bool)


def _mostly(considered: int, unexpected: int, mostly: float) -> bool:
    return considered == 0 or (considered - unexpected) / considered >= mostly


def _map_result(col, considered: np.ndarray, unexpected: np.ndarray) -> dict:
    shown = col.filter(pa.array(unexpected)).slice(0, 20).to_pylist() if unexpected.any() else []
    return {"element_count": int(considered.sum()), "unexpected_count": int(unexpected.sum()),
            "partial_unexpected_list": shown}


def _bounds(decl: dict, schema: pa.Schema, fail, column: str | None, what: str) -> Callable:
    """values -> as-expected mask (Arrow) of min_value/max_value with strict_min/strict_max."""
    lo, hi = decl.get("min_value"), decl.get("max_value")
    if lo is None and hi is None:
        fail(f"min_value or max_value for {decl['type']}")
    if lo is not None and hi is not None and lo > hi:
        fail(f"min_value at most max_value for {decl['type']}")
    strict_lo, strict_hi = bool(decl.get("strict_min")), bool(decl.get("strict_max"))

    def expected(values):
        ok = None
        if lo is not None:
            ok = (pc.greater if strict_lo else pc.greater_equal)(values, lo)
        if hi is not None:
            up = (pc.less if strict_hi else pc.less_equal)(values, hi)
            ok = up if ok is None else pc.and_(ok, up)
        return ok
    if column is not None:
        _trial(lambda: expected(pa.array([], type=what)), fail,
               f"bounds comparable with {column} ({what}) for {decl['type']}")
    return expected


def _trial(fn, fail, expected: str) -> None:
    """Runs fn on empty arrays: a type mismatch is found when the suite is compiled."""
    try:
        fn()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, TypeError) as e:
        fail(f"{expected} ({str(e).splitlines()[0]})")


def _column_map(expected_of: Callable, skip_missing: bool = True):
    """A builder of an expectation on one column's values. expected_of(col,
    considered) gives the as-expected mask (numpy) of the rows considered."""
    def build(decl, schema, fail, condition, mostly):
        column = decl["column"]

        def verdict(frame: pa.Table) -> Verdict:
            col = frame.column(column)
            domain = condition(frame) if condition else _all(frame)
            considered = domain & ~_missing(col) if skip_missing else domain
            unexpected = considered & ~expected_of(col, considered)
            success = _mostly(int(considered.sum()), int(unexpected.sum()), mostly)
            return Verdict(success, unexpected, _map_result(col, considered, unexpected))
        return verdict
    return build


# ---------------------------------------------------------------- the types

def _not_null(decl, schema, fail, condition, mostly):
    return _column_map(lambda col, considered: ~_missing(col), skip_missing=False)(
        decl, schema, fail, condition, mostly)


def _in_set(decl, schema, fail, condition, mostly):
    values = decl["value_set"]
    if values is not None and not isinstance(values, list):
        fail(f"a list (or \"@vocab:NAME\") as value_set for {decl['column']}")
    try:
        value_set = None if values is None else _hashed(pa.array(values, type=schema.field(decl["column"]).type))
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        value_set = None                    # of another type than the column: compared as Python values
    known = None if values is None else set(values)

    def expected(col, considered):
        if values is None:
            return np.ones(len(col), dtype=bool)
        if value_set is not None:
            return _np(pc.is_in(_hashed(col), value_set=value_set))
        return np.array([v in known for v in col.to_pylist()], dtype=bool)
    return _column_map(expected)(decl, schema, fail, condition, mostly)


def _between(decl, schema, fail, condition, mostly):
    ok = _bounds(decl, schema, fail, decl["column"], schema.field(decl["column"]).type)
    return _column_map(lambda col, considered: _np(ok(col)))(decl, schema, fail, condition, mostly)


def _lengths(decl, schema, fail, condition, mostly):
    ok = _bounds(decl, schema, fail, None, pa.int64())

    def expected(col, considered):
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            lengths = pc.utf8_length(col)
        else:       # pandas' astype(str).str.len()
            lengths = pa.array([None if v is None else len(str(v)) for v in col.to_pylist()], pa.int64())
        return _np(ok(lengths))
    return _column_map(expected)(decl, schema, fail, condition, mostly)


def _unique(decl, schema, fail, condition, mostly):
    def expected(col, considered):
        col = _hashed(col)
        counts = pc.value_counts(col.filter(pa.array(considered)))
        repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
        return ~_np(pc.is_in(col, value_set=repeated))
    return _column_map(expected)(decl, schema, fail, condition, mostly)


_PLAIN = r"[^\x20-\x7e]"     # a value with any other character is matched by Python's re


def _same_in_re2(regex: str) -> bool:
    """Whether RE2 (pyarrow) gives re.search's answer for this pattern on
    printable-ASCII text: it compiles in RE2, and uses none of the syntax the
    two read differently ({,n}, [:class:], non-ASCII in the pattern)."""
    if not regex.isascii() or "{," in regex or "[:" in regex:
        return False
    try:
        pc.match_substring_regex(pa.array([""], pa.string()), regex)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _regex(decl, schema, fail, condition, mostly):
    regex = decl["regex"]
    try:
        rx = re.compile(regex)
    except (re.error, TypeError) as e:
        fail(f"a regular expression of Python's re as regex ({e})")
    fast = _same_in_re2(regex)

    def expected(col, considered):
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            return np.array([v is not None and rx.search(str(v)) is not None for v in col.to_pylist()],
                            dtype=bool)
        if fast:
            hit = _np(pc.match_substring_regex(col, regex))
            odd = np.flatnonzero(considered & _np(pc.match_substring_regex(col, _PLAIN)))
        else:
            hit = np.zeros(len(col), dtype=bool)
            odd = np.flatnonzero(considered)
        if len(odd):
            values = col.take(pa.array(odd)).to_pylist()
            hit[odd] = [rx.search(v) is not None for v in values]
        return hit
    return _column_map(expected)(decl, schema, fail, condition, mostly)


def _pair_greater(decl, schema, fail, condition, mostly):
    a, b = decl["column_A"], decl["column_B"]
    compare = pc.greater_equal if decl.get("or_equal") else pc.greater
    ignore = decl.get("ignore_row_if", "both_values_are_missing")
    if ignore not in _IGNORE_ROW_IF:
        fail(f"ignore_row_if in {list(_IGNORE_ROW_IF)}, not {ignore!r}")
    _trial(lambda: compare(pa.array([], schema.field(a).type), pa.array([], schema.field(b).type)), fail,
           f"columns {a} and {b} of comparable types")

    def verdict(frame: pa.Table) -> Verdict:
        ca, cb = frame.column(a), frame.column(b)
        domain = condition(frame) if condition else _all(frame)
        ma, mb = _missing(ca), _missing(cb)
        kept = domain & ~((ma | mb) if ignore == "either_value_is_missing" else
                          (ma & mb) if ignore == "both_values_are_missing" else np.zeros_like(domain))
        unexpected = kept & ~_np(compare(ca, cb))
        success = _mostly(int(kept.sum()), int(unexpected.sum()), mostly)
        return Verdict(success, unexpected, {"element_count": int(kept.sum()),
                                             "unexpected_count": int(unexpected.sum())})
    return verdict


def _row_count(decl, schema, fail, condition, mostly):
    ok = _bounds(decl, schema, fail, None, pa.int64())

    def verdict(frame: pa.Table) -> Verdict:
        n = int((condition(frame) if condition else _all(frame)).sum())
        return Verdict(bool(ok(pa.array([n]))[0].as_py()), None, {"observed_value": n})
    return verdict


_BUILDERS = {
    "expect_column_values_to_not_be_null": _not_null,
    "expect_column_values_to_be_in_set": _in_set,
    "expect_column_values_to_be_between": _between,
    "expect_column_values_to_match_regex": _regex,
    "expect_column_values_to_be_unique": _unique,
    "expect_column_value_lengths_to_be_between": _lengths,
    "expect_column_pair_values_a_to_be_greater_than_b": _pair_greater,
    "expect_table_row_count_to_be_between": _row_count,
}


# ---------------------------------------------------------------- row conditions

_BOOLEAN_WORDS = {"&": "and", "|": "or"}
_COMPARE = {ast.Eq: pc.equal, ast.NotEq: pc.not_equal, ast.Lt: pc.less, ast.LtE: pc.less_equal,
            ast.Gt: pc.greater, ast.GtE: pc.greater_equal}


def _condition(decl: dict, schema: pa.Schema, fail) -> tuple[Callable | None, list[str]]:
    """A row_condition in pandas' DataFrame.query syntax as frame -> mask
    (numpy), and the columns it reads."""
    text = decl.get("row_condition")
    if not text:
        return None, []
    if decl.get("condition_parser") != "pandas":
        fail('condition_parser = "pandas" with a row_condition')
    if not isinstance(text, str):
        fail("a row_condition in the syntax of pandas' DataFrame.query")
    quoted: dict[str, str] = {}

    def unquote(m: re.Match) -> str:
        quoted[f"__column_{len(quoted)}"] = m[1]
        return f"__column_{len(quoted) - 1}"
    try:
        # pandas reads & and | as `and` and `or` (so with their precedence)
        source = io.StringIO(re.sub(r"`([^`]*)`", unquote, text))
        tokens = [(tokenize.NAME, _BOOLEAN_WORDS[t.string]) if t.string in _BOOLEAN_WORDS else (t.type, t.string)
                  for t in tokenize.generate_tokens(source.readline)]
        tree = ast.parse(tokenize.untokenize(tokens).strip(), mode="eval").body
    except (SyntaxError, tokenize.TokenError) as e:
        fail(f"a row_condition in the syntax of pandas' DataFrame.query ({e.msg if hasattr(e, 'msg') else e})")
    read: list[str] = []

    def column(node) -> str | None:
        if isinstance(node, ast.Name):
            c = quoted.get(node.id, node.id)
            if c not in schema.names:
                fail(f"a column of the table in the row_condition ({', '.join(schema.names)}), not {c!r}")
            read.append(c)
            return c
        return None

    def value(node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) for e in node.elts):
            return [e.value for e in node.elts]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and \
                isinstance(node.operand, ast.Constant):
            return -node.operand.value
        fail(f"a column, a constant or a list of constants in the row_condition, not {ast.unparse(node)!r}")

    def operand(node):
        c = column(node)
        return ("column", c) if c is not None else ("value", value(node))

    def pair(left, op, right) -> Callable:
        (lk, lv), (rk, rv) = operand(left), operand(right)
        if lk == "value" and rk == "value":
            fail(f"a column on one side of {ast.unparse(left)} ... {ast.unparse(right)} in the row_condition")
        if isinstance(op, (ast.In, ast.NotIn)) or (isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(rv, list)):
            if lk != "column" or rk != "value" or not isinstance(rv, list):
                fail("`column in [values]` in the row_condition")
            negate = isinstance(op, (ast.NotIn, ast.NotEq))
            try:
                value_set = pa.array(rv, type=schema.field(lv).type)
            except (pa.ArrowException, TypeError, ValueError, OverflowError):
                fail(f"values of the type of {lv} in the row_condition, not {rv!r}")
            return lambda frame: _np(pc.is_in(frame.column(lv), value_set=value_set)) != negate
        if type(op) not in _COMPARE:
            fail(f"a comparison (==, !=, <, <=, >, >=, in, not in) in the row_condition, not {ast.unparse(op)!r}")
        fn, missing_is = _COMPARE[type(op)], isinstance(op, ast.NotEq)

        def side(kind, v, frame):
            return frame.column(v) if kind == "column" else v
        _trial(lambda: fn(*(pa.array([], schema.field(v).type) if k == "column" else v
                            for k, v in ((lk, lv), (rk, rv)))),
               fail, "a comparison of values of one type in the row_condition")
        return lambda frame: pc.fill_null(fn(side(lk, lv, frame), side(rk, rv, frame)), missing_is) \
            .to_numpy(zero_copy_only=False)

    def mask(node) -> Callable:
        if isinstance(node, ast.BoolOp):
            parts = [mask(v) for v in node.values]
            op = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
            return lambda frame: functools.reduce(op, (p(frame) for p in parts))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert)):
            inner = mask(node.operand)
            return lambda frame: ~inner(frame)
        if isinstance(node, ast.Compare):
            parts, left = [], node.left
            for op, right in zip(node.ops, node.comparators):
                parts.append(pair(left, op, right))
                left = right
            return lambda frame: functools.reduce(np.logical_and, (p(frame) for p in parts))
        if (c := column(node)) is not None:
            if not pa.types.is_boolean(schema.field(c).type):
                fail(f"a boolean column where {c} stands alone in the row_condition")
            return lambda frame: _np(frame.column(c))
        fail(f"a condition of comparisons joined by and, or, not in the row_condition, not {ast.unparse(node)!r}")

    fn = mask(tree)
    return fn, list(dict.fromkeys(read))
