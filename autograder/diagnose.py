"""Known mistakes as data, and the machinery that names them in feedback.

A Mistake names a graded function, the mistake, an explanation for the student, and a variant:
`variant(reference, *args, **kwargs)` computes what code with that mistake returns, by applying
the reference to a changed input (a flipped kernel, stride 1, no bias, an input one longer ...)
or by putting together pieces of reference outputs (with `=` instead of `+=` only the last
contribution to each element survives). When a check fails, `diagnose` runs the function's
variants on the failing case and, if the student's output matches one (within the grading
tolerance) while that variant differs from the right answer, the feedback names the mistake.
Nothing here reads the student's code.

Each graded function's mistakes are listed in its registry entry (autograder/registry/);
`mistakes_for(function)` is that list plus the mistakes every function of its kind can make
(INTEGER_TRUNCATION for everything that returns float arrays). This module holds the toolkit the
entries use: the Mistake type, the families generated from where a correlation's axes sit (a
`Layout`: the kernel flipped along any subset of its axes, the input, kernel or output
transposed, full instead of valid mode, off by one), and small helpers for variants.

Nothing here computes a graded function on its own: every number comes from the reference
(solutions/<id>.py, in the trusted parent). This package is within a student's reach, so it
holds no working convolution, gradient or output-size formula, not even a mistaken copy of one
that a flag would turn into the right one.

`match` says what has to agree: "values" (default; shape and values), "shape" (the size is off by
exactly one along some of the mistake's `axes`, and the shape is not merely the right sizes in
another order: the values of such an output are anyone's guess), "integer" (an integer
array where float64 was expected: the values may have been truncated at any step) or "any" (a
value came back where a ValueError was the answer: whatever it is, the input was not refused;
the variant only says whether the mistake applies to the case). For tuple outputs (dx, dw, db)
each returned gradient is matched on its own, so a submission with two different mistakes in dx
and dw gets both named.

Families generate every member with its own name and words, so the feedback says which one it
saw ("the kernel is flipped along axis 0 (rows) only").

Languages (autograder/i18n.py): a Mistake's `name` is a plain English id (the class report keys on
it); its `explanation` is words for the student, a Message (said when the feedback is made, in the
language of the grading) or a plain str. The families take their words as `str | Message` too
(kernel_flips's `slides_as_is`, off_by_one's `explanation`), and `axis_words` and
`off_by_one_words` return Messages. A plain str is looked up in the catalogues when it is said
(`lazy`): translated if it was marked with N_(...) where it is written, else said as it is.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import i18n
from .compare import matches
from .i18n import N_, Message, _

Words = str | Message  # words for the student: a Message, or a str (said as `lazy` says it)


def lazy(words: Words) -> Message:
    """`words` as a Message, said in the language current when str() is taken: a Message as it is;
    a plain str is looked up in the catalogues then (found when it was marked with N_(...) where
    it is written) and said as it is when it is not there."""
    if isinstance(words, Message):
        return words
    return i18n.Message(words)  # a str marked with N_ where it is written (or none at all)


def english(words: Words) -> str:
    """`words` in English whatever the language: for a Mistake's name, an English id."""
    return words.english() if isinstance(words, Message) else str(words)


@dataclass(frozen=True)
class Mistake:
    function: str  # a graded function, or "*" for every function that returns arrays
    name: str  # short id: "kernel flipped"
    explanation: Words  # plain words for the student (a Message, said in the grading's language)
    variant: Callable  # (reference, *args, **kwargs) -> what the mistaken code returns
    match: str = "values"  # "values" | "shape" | "integer" | "any"
    on_invalid: bool = False  # explains a value returned where a ValueError was the answer
    axes: tuple[int, ...] = ()  # match="shape": the output axes the mistake changes (off by one)
    nouns: tuple[str, ...] = ()  # ... and what one step along each is: "row", "column"


def f64(v) -> np.ndarray:
    """v as a float64 array (inputs may be lists or integer arrays)."""
    return np.asarray(v, dtype=np.float64)


def same_shape(r, *a, **k):
    """Placeholder variant for match="shape"/"integer": nothing to compute, the shape says it."""
    return None


def applies(r, *a, **k):
    """Variant of a match="any" mistake that applies to every case."""
    return True


def flip(w, axes) -> np.ndarray:
    """w reversed along `axes`."""
    return np.flip(f64(w), axis=axes)


def on(function, x=None, w=None, out=None):
    """A variant: the reference's `function` with x and/or w changed first, its output after."""
    def variant(r, x_, w_, *rest, **kwargs):
        y = getattr(r, function)(x(x_) if x else x_, w(w_) if w else w_, *rest, **kwargs)
        return out(y) if out else y
    return variant


# ----------------------------------------------------------------------------- "= instead of +="
#
# In a loop with `=` instead of `+=`, every element keeps only the LAST contribution written to
# it. Each contribution is the reference's answer for an input that is zero everywhere else.

def one_hot(shape, index) -> np.ndarray:
    """Zeros of `shape` with a 1 at `index` (which may hold slices)."""
    e = np.zeros(shape)
    e[index] = 1.0
    return e


def last_write_wins(shape, pieces) -> np.ndarray:
    """What a loop that writes each piece with `=` leaves behind. pieces: (written, values) in
    loop order; `written` marks the elements the piece writes."""
    out = np.zeros(shape)
    for written, values in pieces:
        out = np.where(written, values, out)
    return out


# ----------------------------------------------------------------------------- families
#
# Where the spatial axes of a correlation sit: in x, in w and in its output, with their names.
# A function's Layout drives the generated families below.

@dataclass(frozen=True)
class Layout:
    x: tuple[int, ...]  # spatial axes of x
    w: tuple[int, ...]  # spatial axes of w
    out: tuple[int, ...]  # spatial axes of the output
    names: tuple[str, ...]  # their names, in order: ("rows", "columns")


ONE_D, TWO_D = ("",), ("rows", "columns")  # axis names of 1-D and 2-D layouts
NOUNS = {"": "value", "rows": "row", "columns": "column", "depth": "depth slice"}
# Axis names and nouns stay English ids in Layouts and Mistakes (a mistake's name is built from
# them); the words the student reads say them through the catalogue (lazy). The registry's own
# axis names ("batch", "filters", "channels") are said the same way.
AXIS_WORDS = (N_("rows"), N_("columns"), N_("depth"), N_("batch"), N_("filters"), N_("channels"),
              N_("value"), N_("row"), N_("column"), N_("depth slice"))


def comma_list(items) -> Words:
    """'a, b, c', each item said in the current language when the whole is said."""
    items = list(items)
    said: Words = items[0]
    for item in items[1:]:
        said = Message("{items}, {item}", items=said, item=item)
    return said


def and_list(items, commas: bool = True) -> Words:
    """'a and b', 'a, b and c' ('a and b and c' with commas=False), said lazily."""
    items = list(items)
    if len(items) == 1:
        return items[0]
    head = comma_list(items[:-1]) if commas else and_list(items[:-1], commas=False)
    return Message("{items} and {last}", items=head, last=items[-1])


def subsets(items) -> list[tuple]:
    """Every non-empty subset of `items`, smallest first."""
    return [c for size in range(1, len(items) + 1) for c in itertools.combinations(items, size)]


def axis_words(axes, layout_axes, names) -> Message:
    """'axis 0 (rows)' or 'axes 1 and 2 (rows, columns)': array axes with their names, a Message
    said in the current language (its .english() is the English, for a Mistake's name). `names`
    (str ids like "rows", or Messages) are said through the catalogue."""
    named = comma_list(lazy(names[layout_axes.index(a)]) for a in axes)
    if len(axes) == 1:
        return Message("axis {axis} ({name})", axis=str(axes[0]), name=named)
    return Message("axes {axes} ({names})", axes=and_list([str(a) for a in axes]), names=named)


def permuted(a, order) -> np.ndarray:
    """a with its axes sorted(order) taken in the order `order` (the other axes stay put):
    permuted(x, (2, 1)) swaps the last two axes of a 3-D x."""
    a = f64(a)
    axes = list(range(a.ndim))
    for position, axis in zip(sorted(order), order):
        axes[position] = axis
    return np.transpose(a, axes)


SLIDES_AS_IS = Message("Cross-correlation slides w as it is.")  # kernel_flips's default reason


def kernel_flips(function: str, layout: Layout, *, convolution: bool = False,
                 slides_as_is: Words = SLIDES_AS_IS) -> list[Mistake]:
    """The kernel flipped along every non-empty subset of its spatial axes. For a
    cross-correlation every flip is a mistake (`slides_as_is` says why: a Message, or a str said
    through the catalogue); a true convolution (`convolution=True`) must flip along every axis, so
    flipping w along S before the reference's flip leaves it flipped along the other axes."""
    every = f"w[{', '.join(['::-1'] * len(layout.w))}]"
    why = lazy(slides_as_is)
    out = []
    # the fewest axes flipped first: where a flip changes nothing (an axis of size 1), the
    # simplest of the equal explanations is the one said (see find)
    for axes in sorted(subsets(layout.w), key=len, reverse=convolution):
        variant = on(function, w=lambda w, axes=axes: flip(w, axes))
        flipped = tuple(a for a in layout.w if a not in axes) if convolution else axes
        words: Message
        if convolution and not flipped:
            name = "kernel not flipped"
            correlation = f"corr{function[-2:]}"
            if len(layout.w) == 1:
                words = Message("the kernel is not flipped. {function} is true convolution: "
                                "reverse w (w[::-1]) before sliding it, otherwise it is "
                                "{correlation}.", function=function, correlation=correlation)
            else:
                words = Message("the kernel is not flipped. {function} is true convolution: "
                                "rotate w by 180 degrees ({flipped}) before sliding it, otherwise "
                                "it is {correlation}.", function=function, flipped=every,
                                correlation=correlation)
        elif convolution:
            where = axis_words(flipped, layout.w, layout.names)
            name = f"kernel flipped along {where.english()} only"
            words = Message("the kernel is flipped along {axes} only: true convolution flips it "
                            "along every axis ({flipped}).", axes=where, flipped=every)
        elif len(axes) == len(layout.w):
            name, words = "kernel flipped", Message("the kernel is flipped. {why}", why=why)
        else:
            where = axis_words(axes, layout.w, layout.names)
            name = f"kernel flipped along {where.english()} only"
            words = Message("the kernel is flipped along {axes} only. {why}", axes=where, why=why)
        out.append(Mistake(function, name, words, variant))
    return out


def _transposed(what: str, variable: str, swapped: str) -> Message:
    """The words for the input, kernel or output of a 2-D correlation with rows and columns
    swapped."""
    if what == "input":
        return Message("the input is transposed (rows and columns swapped): {variable} is used "
                       "as if it were {swapped}.", variable=variable, swapped=swapped)
    if what == "kernel":
        return Message("the kernel is transposed (rows and columns swapped): {variable} is used "
                       "as if it were {swapped}.", variable=variable, swapped=swapped)
    return Message("the output is transposed (rows and columns swapped): the result is {swapped} "
                   "for the right y; row i of y holds the windows that start in row i of x.",
                   swapped=swapped)


def _reordered(what: str, order: Words, axes: Words) -> Message:
    """The words for the input, kernel or output of a 3-D correlation with its axes in another
    order."""
    if what == "input":
        return Message("the input's axes are taken in the order ({order}); they are ({axes}).",
                       order=order, axes=axes)
    if what == "kernel":
        return Message("the kernel's axes are taken in the order ({order}); they are ({axes}).",
                       order=order, axes=axes)
    return Message("the output's axes are taken in the order ({order}); they are ({axes}).",
                   order=order, axes=axes)


def transposes(function: str, layout: Layout) -> list[Mistake]:
    """The input, the kernel or the output with its spatial axes in another order: for 2-D
    axes, transposed; for 3-D, every other order of (depth, rows, columns)."""
    out = []
    for what, where in (("input", "x"), ("kernel", "w"), ("output", "out")):
        axes = getattr(layout, where)
        for order in itertools.permutations(axes):
            if order == axes:
                continue
            def change(a, order=order):
                return permuted(a, order)
            words: Message
            if len(axes) == 2:
                var = {"input": "x", "kernel": "w", "output": "y"}[what]
                swapped = f"{var}.T" if axes == (0, 1) else f"np.swapaxes({var}, {axes[0]}, {axes[1]})"
                name = f"{what} transposed"
                words = _transposed(what, var, swapped)
            else:
                names = [layout.names[axes.index(a)] for a in order]
                name = f"{what} axes in the order ({', '.join(english(n) for n in names)})"
                words = _reordered(what, comma_list(lazy(n) for n in names),
                                   comma_list(lazy(n) for n in layout.names))
            out.append(Mistake(function, name, words, on(function, **{where: change})))
    return out


def full_mode(function: str, layout: Layout) -> Mistake:
    """'full' instead of 'valid': x padded with K - 1 zeros on both sides of each spatial axis,
    so the kernel also visits the positions where it hangs over the edges."""

    def variant(r, x, w):
        x, w = f64(x), f64(w)
        pad = [(0, 0)] * x.ndim
        for xa, wa in zip(layout.x, layout.w):
            pad[xa] = (w.shape[wa] - 1, w.shape[wa] - 1)
        return getattr(r, function)(np.pad(x, pad), w)
    return Mistake(function, "full mode", Message(
        "this is 'full' mode: the kernel also visits the positions where it hangs over the edges, "
        "so an axis of length H gives H + K - 1 outputs. Valid mode keeps only the positions where "
        "the kernel fits completely: H - K + 1."), variant)


# {off} becomes "one row short", "one row and one column too long" ... (off_by_one_words, a
# Message: in Korean a noun phrase, "행 1개 부족", "행 1개, 열 1개 초과")
VALID_MODE_SIZE = Message("the output is {off}. In valid mode a kernel of size K fits at H - K + 1 "
                          "positions along an axis of length H (range(H - K + 1) in a loop).")


def off_by_one(function: str, layout: Layout, explanation: Words = VALID_MODE_SIZE) -> Mistake:
    """The output one row/column/... short or too long along the layout's output axes.
    `explanation` holds an {off} field (a Message, or a str said through the catalogue)."""
    return Mistake(function, "off by one", explanation, same_shape, match="shape",
                   axes=layout.out, nouns=tuple(NOUNS[n] for n in layout.names))


def correlation_family(function: str, layout: Layout, **flip_words) -> list[Mistake]:
    """Every valid-mode correlation's usual suspects: kernel flips, transposes, full mode, off
    by one (in that order: the simplest explanation first)."""
    return [*kernel_flips(function, layout, **flip_words), *transposes(function, layout),
            full_mode(function, layout), off_by_one(function, layout)]


# ----------------------------------------------------------------------------- every array function

INTEGER_TRUNCATION = Mistake(
    "*", "integer truncation", Message(
        "the output is an integer array, so every value stored in it is cut to a whole number "
        "(np.zeros_like(x) copies the integer dtype of an integer x). Create the output as "
        "float64, e.g. np.zeros(shape) or np.zeros_like(x, dtype=float)."), same_shape,
    match="integer")


# ----------------------------------------------------------------------------- finding them

def mistakes_for(function: str) -> list[Mistake]:
    """The mistakes the feedback can name for `function`: its registry entry's, then those of
    every function of its kind (an integer array where floats were expected)."""
    from .registry import graded  # the entries import this toolkit

    entry = graded(function)
    return [*entry.mistakes, *(() if entry.kind == "size" else (INTEGER_TRUNCATION,))]


def _one(mistake: Mistake, variant, expected, got, rtol: float, atol: float) -> bool:
    """Does `got` look like this mistake's output (and unlike the right answer)?"""
    if mistake.match == "any":  # a value came back where the answer was an error
        return expected is None and variant is True
    if mistake.match == "integer":
        return (isinstance(got, np.ndarray) and got.dtype.kind in "iub"
                and isinstance(expected, np.ndarray) and expected.dtype.kind == "f")
    if mistake.match == "shape":  # off by exactly one along the axes that differ, all its own
        if not (isinstance(got, np.ndarray) and isinstance(expected, np.ndarray)):
            return False
        if got.ndim != expected.ndim or sorted(got.shape) == sorted(expected.shape):
            return False  # another rank, the right shape, or the right sizes in another order
        differ = [axis for axis, (g, e) in enumerate(zip(got.shape, expected.shape)) if g != e]
        return all(axis in mistake.axes and abs(got.shape[axis] - expected.shape[axis]) == 1
                   for axis in differ)
    if variant is None:
        return False
    if expected is not None and matches(variant, expected, rtol, atol):
        return False  # on this case the mistake makes no difference: it cannot explain anything
    return matches(variant, got, rtol, atol)


MAX_PER_PART = 2  # more guesses than that would not help anyone


def find(function: str, reference, args: tuple, kwargs: dict, expected, got,
         rtol: float, atol: float, part_names: tuple[str, ...] | None = None,
         ) -> list[tuple[str | None, Mistake]]:
    """The known mistakes that explain `got`, as (part name or None, Mistake), first match first.
    `expected` is the right answer (None when the right answer is an exception). For tuple
    outputs give `part_names` ("dx", "dw", "db"): each part is matched on its own."""
    found: list[tuple[str | None, Mistake]] = []
    seen: set[tuple[str | None, str]] = set()
    outputs: dict[str | None, list] = {}  # what the mistakes found so far return, per part

    def add(part, mistake, value):
        """Keep the first mistake per name, and per output array: where two mistakes give the
        same array on this case (a flip along an axis of size 1 changes nothing), the case cannot
        tell them apart, and the first (the simplest: families go from small to large) says it.
        Sizes (a1) coincide too often to drop either: both are said."""
        if (part, mistake.name) in seen:
            return
        if isinstance(value, np.ndarray) and any(matches(v, value, rtol, atol)
                                                 for v in outputs.get(part, [])):
            return
        seen.add((part, mistake.name))
        outputs.setdefault(part, []).append(value)
        found.append((part, mistake))

    candidates = mistakes_for(function)
    if expected is None:  # the answer was an error: the first (most specific) explanation is
        # enough: "not refused, the formula's value", then a wrong formula (which also says why
        # it was not refused), and only then "some value came back"
        candidates = sorted(candidates, key=lambda m: (m.match == "any", not m.on_invalid))
    else:
        candidates = [m for m in candidates if not m.on_invalid]
    for mistake in candidates:
        if expected is None and found:
            break
        variant = None
        if mistake.match in ("values", "any"):
            try:
                with np.errstate(all="ignore"):
                    variant = mistake.variant(reference, *args, **kwargs)
            except Exception:  # noqa: BLE001 - a variant that does not apply to this case
                continue
            if variant is None:
                continue
        values = mistake.match == "values"
        if part_names is None:
            if _one(mistake, variant, expected, got, rtol, atol):
                add(None, mistake, variant if values else None)
            continue
        if not isinstance(got, (tuple, list)) or len(got) != len(part_names):
            continue
        for i, name in enumerate(part_names):
            v = None
            if isinstance(variant, tuple) and len(variant) == len(part_names):
                v = variant[i]
            if mistake.match == "values" and v is None:
                continue
            e = expected[i] if expected is not None else None
            if _one(mistake, v, e, got[i], rtol, atol):
                add(name, mistake, v if values else None)
    return found


def off_by_one_words(mistake: Mistake, expected_shape, got_shape) -> Message:
    """How an off-by-one output is off, a Message: "one row short", "one row and one column too
    long", "one row short and one column too long" (Korean: "행 1개 부족", "행 1개, 열 1개 초과")."""
    short: list[Message] = []
    long: list[Message] = []
    for axis, noun in zip(mistake.axes, mistake.nouns):
        step = got_shape[axis] - expected_shape[axis]
        if step:
            (short if step < 0 else long).append(Message("one {noun}", noun=lazy(noun)))
    said: list[Words] = []
    if short:
        said.append(Message("{nouns} short", nouns=and_list(short, commas=False)))
    if long:
        said.append(Message("{nouns} too long", nouns=and_list(long, commas=False)))
    whole = and_list(said, commas=False)
    return whole if isinstance(whole, Message) else lazy(whole)


def diagnose(function: str, reference, args: tuple, kwargs: dict, expected, got,
             rtol: float, atol: float, part_names: tuple[str, ...] | None = None,
             leave_out: tuple[str, ...] = (),
             named: list[tuple[str | None, str, str]] | None = None) -> list[str]:
    """Feedback lines naming the known mistakes that explain `got`, e.g.
    ["likely mistake: the kernel is flipped. corr2d slides w as it is; ..."], said in the current
    language. Mistakes named in `leave_out` (by name) are counted but not said (the caller says
    them its own way). `named`, if given, gets (part, mistake name, words) of each mistake said
    or left out: what the feedback names, as data (CheckResult.named)."""
    lines: list[str] = []
    per_part: dict[str | None, int] = {}
    for part, mistake in find(function, reference, args, kwargs, expected, got, rtol, atol,
                              part_names):
        n = per_part[part] = per_part.get(part, 0) + 1
        if n > MAX_PER_PART:
            continue
        words = lazy(mistake.explanation)
        if mistake.match == "shape":  # only single arrays: part is None
            explanation = words.format(off=off_by_one_words(mistake, expected.shape, got.shape))
        else:
            explanation = str(words)
        if named is not None:
            named.append((part, mistake.name, explanation))
        if mistake.name in leave_out:
            continue
        lead = _("likely mistake") if n == 1 else _("or")
        lines.append(f"{part + ': ' if part else ''}{lead}: {explanation}")
    return lines
