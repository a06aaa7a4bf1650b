"""Trusted comparison of a student's value with the expected one, in the parent process.

Never exact equality for floats and never the student's own __eq__: the sandbox hands back plain
base-class ndarrays and Python numbers, and we compare them ourselves with a tolerance on the
expected output's scale:

    |got - expected| <= atol + rtol * max(1, max|expected|)     for every element

What comes back (Comparison) says whether it matched and, if not, lines a student can act on:
shape versus expected shape, wrong dtype (an integer array where fractions were expected is the
"integer truncation" mistake), NaN/inf, how many values differ, the worst element with expected
and actual value, and the largest absolute and relative error. The lines are said in the current
language (autograder/i18n.py); `name` stays an English id ("output", "dx") and is said through the
catalogue (`said_name`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import i18n
from .i18n import N_, _, _n

TINY = 12  # arrays with at most this many elements are printed in full in feedback


@dataclass
class Comparison:
    ok: bool
    lines: list[str] = field(default_factory=list)  # why not, for a student (empty when ok)
    shape_ok: bool = True  # the value has the expected type and shape (values may still differ)
    max_abs: float = 0.0
    max_rel: float = 0.0
    worst: tuple | None = None  # index of the worst element


# The names compare_* give a value when none is passed, said through the catalogue (`said_name`);
# other names ("dx", "dw") are code and stay as they are.
NAMES = (N_("output"), N_("gradient"), N_("result"))


def said_name(name: str) -> str:
    """A value's name in the current language: "output" -> "출력" in Korean, "dx" stays "dx"."""
    return i18n._(name) if name in NAMES else name


def fmt_num(value) -> str:
    """A number the way a student would write it: 6.5, -2.0, 3, 1.2345678e-09."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if np.isnan(value) or np.isinf(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{value:.1f}"
    return f"{value:.8g}"


def fmt_array(a) -> str:
    """A small array on one line (numpy's own printing, newlines squeezed)."""
    text = np.array2string(np.asarray(a), separator=", ", precision=6, suppress_small=False,
                           max_line_width=10_000)
    return " ".join(text.split())


def describe(value) -> str:
    """What a returned value is, in a few words: 'a float64 array of shape (3, 4)', 'None', ..."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return _("a {dtype} array of shape {shape}", dtype=str(value.dtype),
                 shape=str(tuple(value.shape)))
    if isinstance(value, (bool, np.bool_)):
        return _("the bool {value}", value=str(value))
    if isinstance(value, (int, np.integer)):
        return _("the int {value}", value=int(value))
    if isinstance(value, (float, np.floating)):
        return _("the float {value}", value=fmt_num(value))
    if isinstance(value, (list, tuple)):
        return _n("a {kind} of {count} item", "a {kind} of {count} items", len(value),
                  kind=type(value).__name__, count=len(value))
    return _("a {kind}", kind=type(value).__name__)


def index_str(index: tuple) -> str:
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def tolerance(expected: np.ndarray, rtol: float, atol: float) -> float:
    """The allowed absolute error: atol + rtol on the expected output's scale (at least 1)."""
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    return atol + rtol * max(1.0, scale)


def compare_array(expected: np.ndarray, got, rtol: float, atol: float, name: str = "output",
                  ) -> Comparison:
    """Compare a float64 `expected` array with whatever came back. `name` is used in messages
    ("dx", "output")."""
    expected = np.asarray(expected, dtype=np.float64)
    eshape = tuple(expected.shape)
    said = said_name(name)
    if got is None:
        return Comparison(False, [_(
            "{name}: expected a float64 array of shape {shape}, got None; did you forget a "
            "`return` statement?", name=said, shape=str(eshape))], shape_ok=False)
    if isinstance(got, (list, tuple, int, float, np.number)):
        return Comparison(False, [_(
            "{name}: expected a numpy array (np.ndarray) of shape {shape}, got {got}; build the "
            "result with np.zeros(...) or convert it with np.asarray(...)",
            name=said, shape=str(eshape), got=describe(got))], shape_ok=False)
    if not isinstance(got, np.ndarray):
        return Comparison(False, [_("{name}: expected a numpy array of shape {shape}, got {got}",
                                    name=said, shape=str(eshape), got=describe(got))],
                          shape_ok=False)
    got = np.asarray(got)  # base class; the sandbox already made it one, this is belt and braces
    if tuple(got.shape) != eshape:
        return Comparison(False, [_("{name}: expected shape {expected_shape}, got {got_shape}",
                                    name=said, expected_shape=str(eshape),
                                    got_shape=str(tuple(got.shape)))
                                  + _shape_hint(eshape, tuple(got.shape))], shape_ok=False)

    lines: list[str] = []
    kind = got.dtype.kind
    dtype_ok = got.dtype == np.float64
    if kind in "iub" or (kind != "c" and not dtype_ok):
        lines.append(_("{name}: expected dtype float64, got {dtype}", name=said,
                       dtype=str(got.dtype)))
    elif kind == "c":
        lines.append(_("{name}: expected real float64 values, got complex dtype {dtype}",
                       name=said, dtype=str(got.dtype)))
    values = got.real.astype(np.float64) if kind == "c" else got.astype(np.float64)

    bad = ~np.isfinite(values)
    if bad.any():
        first = tuple(np.argwhere(bad)[0])
        n_nan, n_inf = int(np.isnan(values).sum()), int(np.isinf(values).sum())
        if n_nan and n_inf:
            what = _("{nan} NaN and {infinite} infinite values", nan=n_nan, infinite=n_inf)
        elif n_nan:
            what = _n("{nan} NaN value", "{nan} NaN values", n_nan, nan=n_nan)
        else:
            what = _n("{infinite} infinite value", "{infinite} infinite values", n_inf,
                      infinite=n_inf)
        lines.append(_("{name}: {what} among {size}, the first at {index} (expected {expected}); "
                       "look for a division by zero or an uninitialised array (np.empty)",
                       name=said, what=what, size=values.size, index=index_str(first),
                       expected=fmt_num(expected[first])))
        return Comparison(False, lines, shape_ok=True)

    if expected.size == 0:
        return Comparison(dtype_ok and not lines, lines, shape_ok=True)
    err = np.abs(values - expected)
    tol = tolerance(expected, rtol, atol)
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), err.shape))
    max_abs = float(err[worst])
    scale = max(1.0, float(np.max(np.abs(expected))))
    max_rel = max_abs / scale
    n_bad = int((err > tol).sum())
    if n_bad:
        where = dict(bad=n_bad, size=err.size, index=index_str(worst),
                     expected=fmt_num(expected[worst]), got=fmt_num(got[worst]))
        lines.append(
            _("expected shape {expected_shape}, got {got_shape}; {bad} of {size} values differ, "
              "worst at {index}: expected {expected}, got {got}", expected_shape=str(eshape),
              got_shape=str(tuple(got.shape)), **where) if name == "output" else
            _("{name}: shape {shape} is right; {bad} of {size} values differ, worst at {index}: "
              "expected {expected}, got {got}", name=said, shape=str(eshape), **where))
        lines.append(("" if name == "output" else said + ": ") + _(
            "largest error {error} (relative to the output's scale {scale}: {relative}; allowed "
            "{allowed})", error=format(max_abs, ".3g"), scale=format(scale, ".3g"),
            relative=format(max_rel, ".3g"), allowed=format(rtol, ".0e")))
        if expected.size <= TINY:
            lines.append(_("{name}: expected {array}", name=said, array=fmt_array(expected)))
            lines.append(_("{name}:      got {array}", name=said, array=fmt_array(got)))
    elif lines:  # values right, dtype wrong
        lines.append(_("{name}: the values are right, but results must be float64 arrays",
                       name=said))
    return Comparison(not lines, lines, shape_ok=True, max_abs=max_abs, max_rel=max_rel,
                      worst=worst)


def _shape_hint(expected: tuple, got: tuple) -> str:
    """Say in words how the shape is off: another rank, the same sizes in another order, or by
    how much each axis is short or too long ("axis 0 is one short, axis 1 is 3 too long")."""
    if len(expected) != len(got):
        return " (" + _("{got_rank}-D instead of {expected_rank}-D", got_rank=len(got),
                        expected_rank=len(expected)) + ")"
    if sorted(expected) == sorted(got) and expected != got:
        return " (" + _("the same sizes in a different order: are two axes swapped?") + ")"
    parts = []
    for axis, (e, g) in enumerate(zip(expected, got)):
        by = abs(g - e)
        if g < e:
            parts.append(_("axis {axis} is one short", axis=axis) if by == 1 else
                         _("axis {axis} is {count} short", axis=axis, count=by))
        elif g > e:
            parts.append(_("axis {axis} is one too long", axis=axis) if by == 1 else
                         _("axis {axis} is {count} too long", axis=axis, count=by))
    return " (" + ", ".join(parts) + ")" if parts else ""


def compare_int(expected: int, got, name: str = "result") -> Comparison:
    """An exact whole number (sizes are integers: no tolerance needed, and none is fair)."""
    said = said_name(name)
    not_int = _("{name}: expected the int {expected}, got {got}", name=said, expected=expected,
                got=describe(got))
    if isinstance(got, (bool, np.bool_)):
        return Comparison(False, [not_int], shape_ok=False)
    if isinstance(got, np.ndarray) and got.shape == () and got.dtype.kind in "iu":
        got = int(got)
    if isinstance(got, (int, np.integer)):
        if int(got) == expected:
            return Comparison(True)
        return Comparison(False, [_("{name}: expected {expected}, got {got}", name=said,
                                    expected=expected, got=int(got))],
                          max_abs=float(abs(int(got) - expected)))
    if isinstance(got, (float, np.floating)) or (isinstance(got, np.ndarray) and got.shape == ()):
        value = float(got)
        same = np.isfinite(value) and value == expected
        return Comparison(False, [not_int + "; " + (
            _("the number is right but a size must be an int: use // (floor division), not /")
            if same else _("sizes are whole numbers: use // (floor division), not /"))],
            shape_ok=False)
    return Comparison(False, [not_int], shape_ok=False)


def compare_int_tuple(expected: tuple, got, name: str = "result") -> Comparison:
    """A tuple of ints (an output shape)."""
    said = said_name(name)
    if not isinstance(got, tuple):
        hint = ""
        if isinstance(got, list):
            hint = "; " + _("return a tuple, e.g. tuple(sizes), like ndarray.shape")
        elif isinstance(got, np.ndarray):
            hint = "; " + _("return a tuple of Python ints, e.g. tuple(int(s) for s in sizes)")
        shown = f" {got!r}" if isinstance(got, list) else ""
        return Comparison(False, [_("{name}: expected the tuple {expected}, got {got}", name=said,
                                    expected=str(expected), got=describe(got) + shown) + hint],
                          shape_ok=False)
    if len(got) != len(expected):
        return Comparison(False, [_("{name}: expected {count} sizes {expected}, got {got_count}: "
                                    "{got}", name=said, count=len(expected),
                                    expected=str(expected), got_count=len(got), got=repr(got))],
                          shape_ok=False)
    lines = []
    for axis, (e, g) in enumerate(zip(expected, got)):
        c = compare_int(e, g, name=_("axis {axis}", axis=axis))
        if not c.ok:
            lines.extend(c.lines)
    if lines:
        return Comparison(False, [_("{name}: expected {expected}, got {got}", name=said,
                                    expected=str(expected), got=repr(got))] + lines,
                          shape_ok=all(isinstance(g, (int, np.integer)) and
                                       not isinstance(g, (bool, np.bool_)) for g in got))
    return Comparison(True)


def compare_tuple(expected: tuple, got, names: tuple[str, ...], rtol: float, atol: float,
                  ) -> tuple[Comparison, list[Comparison]]:
    """A tuple of arrays such as (dx, dw, db): the whole, plus one Comparison per part (empty
    list when the container itself is wrong)."""
    n = len(expected)
    if not isinstance(got, (tuple, list)) or len(got) != n:
        return Comparison(False, [_("expected a tuple of {count} arrays ({names}), got {got}",
                                    count=n, names=", ".join(names), got=describe(got))],
                          shape_ok=False), []
    parts = [compare_array(e, g, rtol, atol, name=nm) for e, g, nm in zip(expected, got, names)]
    lines = [line for part in parts for line in part.lines]
    return Comparison(all(p.ok for p in parts), lines,
                      shape_ok=all(p.shape_ok for p in parts)), parts


def matches(expected, got, rtol: float, atol: float) -> bool:
    """True when `got` equals `expected` within tolerance, with the same kind (int vs float
    array, tuple vs list); for recognising a known mistake's output."""
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray) or got.shape != expected.shape:
            return False
        if (expected.dtype.kind in "iu") != (got.dtype.kind in "iub"):
            return False
        if expected.dtype.kind == "f" and got.dtype.kind == "c":
            return False
        g = got.astype(np.float64)
        if not np.all(np.isfinite(g)):
            return bool(np.array_equal(g, expected.astype(np.float64), equal_nan=True))
        e = expected.astype(np.float64)
        return bool(np.all(np.abs(g - e) <= tolerance(e, rtol, atol))) if e.size else True
    if isinstance(expected, (tuple, list)):
        if type(got) is not type(expected) or len(got) != len(expected):
            return False
        return all(matches(e, g, rtol, atol) for e, g in zip(expected, got))
    if isinstance(expected, (bool, np.bool_)):
        return isinstance(got, (bool, np.bool_)) and bool(got) == bool(expected)
    if isinstance(expected, (int, np.integer)):
        return (isinstance(got, (int, np.integer)) and not isinstance(got, (bool, np.bool_))
                and int(got) == int(expected))
    if isinstance(expected, (float, np.floating)):
        return isinstance(got, (float, np.floating)) and abs(float(got) - float(expected)) <= (
            atol + rtol * max(1.0, abs(float(expected))))
    return False
