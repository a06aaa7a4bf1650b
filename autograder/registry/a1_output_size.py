"""Assignment 1: how big is the result of a convolution?

An input of length n, a kernel of k taps spread d apart (dilation), p zeros added at each end
(padding), the kernel moving s positions at a time (stride):

    O = floor((n + 2p - d(k - 1) - 1) / s) + 1         (28 with 3 taps: 26)

`conv_output_length` is that formula, refusing what is not a convolution; `conv_output_shape` is it
per spatial axis. Both are judged exactly ("size"): an int, a tuple of ints.
"""
from __future__ import annotations

from ..cases import Case, refusal
from ..diagnose import Mistake, applies
from ..i18n import Message
from .entry import DemoStudent, GradedFunction, Param

ASSIGNMENT = "a1_output_size"

# a1 is about when the output-size formula applies at all: "O < 1 means the kernel does not fit"
# is the formula itself, and the notebook gives its ValueErrors one of two bullets and six visible
# asserts, so its refusals carry a quarter of the points (10 % elsewhere)
REFUSAL_SHARE = 0.25

# ----------------------------------------------------------------------------- cases

def _length_cases(rng, trials: int) -> list[Case]:
    cases = []
    for _ in range(trials):
        k = int(rng.integers(2, 6))
        d = int(rng.integers(1, 4))
        s = int(rng.integers(1, 4))
        p = int(rng.integers(0, 3))
        span = d * (k - 1) + 1
        n = int(rng.integers(max(1, span - 2 * p), span + 15))
        cases.append(Case((n, k), dict(padding=p, stride=s, dilation=d)))
    cases += [
        Case((28, 3), note=Message("the lecture's example, defaults only")),
        Case((7, 7), note=Message("kernel as large as the input")),
        Case((6, 1), note=Message("kernel of size 1")),
        Case((10, 3), dict(stride=3), note=Message("stride that does not divide evenly")),
        Case((5, 3), dict(padding=1, stride=2), note=Message("padding and stride")),
        Case((9, 3), dict(dilation=2), note=Message("dilation")),
        Case((10, 3), dict(padding=2, stride=2, dilation=3), note=Message("everything at once")),
        Case((3, 5), dict(padding=1), note=Message("padding makes the kernel fit")),
        # the notebook: ValueError if n, k, stride or dilation < 1, padding < 0, or O < 1
        refusal((0, 3), Message("n = 0: there is no input (the padding alone would give O = 2)"),
                padding=2),
        refusal((3, 5), Message("the kernel (5) is longer than the input (3)")),
        refusal((5, 3), Message("the kernel dilated by 3 reaches across 7 cells, the input has 5"),
                dilation=3),
        refusal((8, 0), Message("k = 0: a kernel has at least one tap")),
        refusal((8, 3), Message("stride = 0: the kernel would never move"), stride=0),
        refusal((8, 3), Message("padding = -1 is negative"), padding=-1),
        refusal((8, 3), Message("dilation = 0: the taps must be at least 1 apart"), dilation=0),
    ]
    return cases


def _shape_cases(rng, trials: int) -> list[Case]:
    cases = []
    for t in range(trials):
        ndim = (2, 3, 2, 1)[t % 4]
        ks = [int(v) for v in rng.integers(1, 5, size=ndim)]
        per_axis = t % 2 == 1  # tuples of per-axis settings every other trial
        pads: int | tuple[int, ...]
        strides: int | tuple[int, ...]
        dils: int | tuple[int, ...]
        if per_axis:
            pads = tuple(int(v) for v in rng.integers(0, 3, size=ndim))
            strides = tuple(int(v) for v in rng.integers(1, 4, size=ndim))
            dils = tuple(int(v) for v in rng.integers(1, 3, size=ndim))
        else:
            pads = int(rng.integers(0, 3))
            strides = int(rng.integers(1, 4))
            dils = int(rng.integers(1, 3))
        ns = []
        for axis, k in enumerate(ks):
            p = pads[axis] if isinstance(pads, tuple) else pads
            d = dils[axis] if isinstance(dils, tuple) else dils
            span = d * (k - 1) + 1
            ns.append(int(rng.integers(max(1, span - 2 * p), span + 12)))
        cases.append(Case((tuple(ns), tuple(ks)), dict(padding=pads, stride=strides,
                                                        dilation=dils)))
    cases += [
        Case(((28, 28), (3, 3)), note=Message("the lecture's example")),
        Case(((5, 7), (5, 7)), note=Message("kernel as large as the input")),
        Case(((6, 9), (2, 3)), dict(padding=(1, 0), stride=(2, 3)),
             note=Message("per-axis tuples")),
        Case(((4, 6, 5), (1, 3, 2)), dict(stride=2),
             note=Message("3-D, one stride for every axis")),
        Case(((10,), (3,)), dict(padding=1, stride=2, dilation=2), note=Message("1-D")),
        # the notebook: ValueError on a rank mismatch (of kernel_shape or of a per-axis tuple)
        # and for everything conv_output_length refuses
        refusal(((5, 7), (3,)), Message("rank mismatch: 2 input sizes but 1 kernel size")),
        refusal(((5, 7, 4), (3, 3)), Message("rank mismatch: 3 input sizes but 2 kernel sizes")),
        refusal(((6, 8), (3, 3)), Message("stride has 3 entries for 2 axes"), stride=(1, 2, 1)),
        refusal(((5, 2), (3, 3)),
                Message("the kernel (3, 3) does not fit the input (5, 2) along axis 1")),
    ]
    return cases


# ----------------------------------------------------------------------------- mistakes
#
# The right length is floor((n + 2p - d(k-1) - 1) / s) + 1. Each wrong formula below is the
# reference's conv_output_length (`right`) on changed settings: a missing "- 1" inside the floor
# counts the input one longer, ignoring the padding is padding 0, rounding up is floor division
# of a numerator s - 1 larger, and so on.

def _formula(r):
    """The reference's conv_output_length as a bare formula, which also answers where the kernel
    does not fit (a mistaken formula returns 0 or less there rather than refusing): the size
    drops by one for every s positions taken off the input, so lengthen the input by whole
    strides until the reference accepts it, then count them back."""
    def right(n, k, p=0, s=1, d=1):
        for strides in range(64):
            try:
                return r.conv_output_length(n + strides * s, k, p, s, d) - strides
            except ValueError:
                continue
        raise ValueError("the kernel does not fit")
    return right


def _per_axis(mistake):
    """A conv_output_length mistake made on every axis: a conv_output_shape variant."""
    def variant(r, input_shape, kernel_shape, padding=0, stride=1, dilation=1):
        ndim = len(input_shape)
        if len(kernel_shape) != ndim:
            return None
        ex = [v if isinstance(v, (tuple, list)) else (v,) * ndim for v in (padding, stride, dilation)]
        return tuple(mistake(_formula(r), n, k, p, s, d) for n, k, p, s, d in
                     zip(input_shape, kernel_shape, *ex))
    return variant


_RIGHT_AXES = _per_axis(lambda right, n, k, p, s, d: right(n, k, p, s, d))


def _zip_shorter(r, input_shape, kernel_shape, padding=0, stride=1, dilation=1):
    """zip() stops at the shorter shape: a rank mismatch goes unnoticed, and the axes both shapes
    have get their sizes."""
    m = min(len(input_shape), len(kernel_shape))
    if len(input_shape) == len(kernel_shape):
        return None
    cut = [tuple(v)[:m] if isinstance(v, (tuple, list)) else v for v in (padding, stride, dilation)]
    return _RIGHT_AXES(r, tuple(input_shape)[:m], tuple(kernel_shape)[:m], *cut)


def _first_entry(r, input_shape, kernel_shape, padding=0, stride=1, dilation=1):
    """A per-axis tuple's first entry used for every axis."""
    if all(not isinstance(v, (tuple, list)) for v in (padding, stride, dilation)):
        return None
    first = [v[0] if isinstance(v, (tuple, list)) else v for v in (padding, stride, dilation)]
    return _RIGHT_AXES(r, input_shape, kernel_shape, *first)


_A1_FORMULAS = [  # (name, explanation, mistake(right, n, k, p, s, d))
    ("off by one", Message("the size is one too small: the formula ends with + 1 (the kernel's "
                           "first position counts too): floor((n + 2p - d(k-1) - 1) / s) + 1"),
     lambda right, n, k, p, s, d: right(n, k, p, s, d) - 1),
    ("off by one", Message("the size is one too large: check the - 1 in "
                           "floor((n + 2p - d(k-1) - 1) / s) + 1"),
     lambda right, n, k, p, s, d: right(n, k, p, s, d) + 1),
    ("off by one", Message("the - 1 inside the floor is missing: "
                           "floor((n + 2p - d(k-1) - 1) / s) + 1"),
     lambda right, n, k, p, s, d: right(n + 1, k, p, s, d)),
    ("padding ignored", Message("the padding is ignored: zeros are added at both ends, so the "
                                "input counts as n + 2*padding"),
     lambda right, n, k, p, s, d: right(n, k, 0, s, d)),
    ("padding counted once", Message("the padding is counted once; it is added at BOTH ends: "
                                     "n + 2*padding"),
     lambda right, n, k, p, s, d: right(n + p, k, 0, s, d)),
    ("stride ignored", Message("the stride is ignored: the kernel moves `stride` positions at a "
                               "time, so divide by the stride (floor division) before adding 1"),
     lambda right, n, k, p, s, d: right(n, k, p, 1, d)),
    ("dilation ignored", Message("the dilation is ignored: a kernel of size k with dilation d "
                                 "covers d*(k-1) + 1 input positions"),
     lambda right, n, k, p, s, d: right(n, k, p, s, 1)),
    ("dilation as d*k", Message("the dilated kernel covers d*(k-1) + 1 positions, not d*k"),
     lambda right, n, k, p, s, d: right(n - (d - 1), k, p, s, d)),  # spans d - 1 more
    ("ceil instead of floor", Message("the division is rounded up; a last partial step does not "
                                      "count, so round down (//)"),
     lambda right, n, k, p, s, d: right(n + s - 1, k, p, s, d)),
    ("true division", Message("the result is a float from / ; use // (floor division) so the "
                              "size is an int"),
     lambda right, n, k, p, s, d: (right(n, k, p, 1, d) - 1) / s + 1),
]


def _length_variant(mistake):
    def variant(r, n, k, padding=0, stride=1, dilation=1):
        return mistake(_formula(r), n, k, padding, stride, dilation)
    return variant


_REFUSE = Message("Raise ValueError when n, k, stride or dilation is below 1, padding is "
                  "negative, or the result is below 1 (the kernel does not fit).")
_INVALID = Message("invalid input is not refused: the formula's value came back. {how}",
                   how=_REFUSE)
_NOT_REFUSED = Message("invalid input is not refused: a value came back where ValueError was "
                       "the answer. {how}", how=_REFUSE)


# ----------------------------------------------------------------------------- the entries

FUNCTIONS = (
    GradedFunction(
        name="conv_output_length",
        assignment=ASSIGNMENT,
        summary="how many positions a kernel of k taps (dilation d) takes along an input of "
                "length n padded with p zeros at each end, moving s at a time",
        params=(Param("n", "int"), Param("k", "int"), Param("padding", "int", 0),
                Param("stride", "int", 1), Param("dilation", "int", 1)),
        returns="int",
        kind="size",
        points=3,
        refusal_share=REFUSAL_SHARE,
        cases=_length_cases,
        mistakes=(
            *[Mistake("conv_output_length", n, e, _length_variant(m)) for n, e, m in _A1_FORMULAS],
            Mistake("conv_output_length", "invalid input accepted", _INVALID,
                    _length_variant(lambda right, n, k, p, s, d: right(n, k, p, s, d)),
                    on_invalid=True),
            Mistake("conv_output_length", "invalid input not refused", _NOT_REFUSED, applies,
                    match="any", on_invalid=True),
        ),
        demo=(DemoStudent("ben", "off by one in the output length", '''
def conv_output_length(n, k, padding=0, stride=1, dilation=1):
    # forgot the "+ 1": counts the steps between kernel positions, not the positions
    return _first_try(n, k, padding, stride, dilation) - 1
'''), DemoStudent("cy", "padding counted once, not at both ends", '''
def conv_output_length(n, k, padding=0, stride=1, dilation=1):
    # padding added on one side only
    if padding < 0:
        raise ValueError("padding must be >= 0")
    return _first_try(n + padding, k, 0, stride, dilation)
''')),
    ),
    GradedFunction(
        name="conv_output_shape",
        assignment=ASSIGNMENT,
        summary="conv_output_length along every spatial axis; padding, stride and dilation an int "
                "for every axis or a tuple with one entry per axis",
        params=(Param("input_shape", "tuple of ints"), Param("kernel_shape", "tuple of ints"),
                Param("padding", "int or tuple", 0), Param("stride", "int or tuple", 1),
                Param("dilation", "int or tuple", 1)),
        returns="tuple of ints",
        kind="size",
        points=2,
        refusal_share=REFUSAL_SHARE,
        cases=_shape_cases,
        mistakes=(
            *[Mistake("conv_output_shape", n, e, _per_axis(m)) for n, e, m in _A1_FORMULAS],
            Mistake("conv_output_shape", "rank mismatch not detected", Message(
                "input_shape and kernel_shape have different lengths but no ValueError was "
                "raised (zip() silently stops at the shorter one): compare len(input_shape) with "
                "len(kernel_shape) first"), _zip_shorter, on_invalid=True),
            Mistake("conv_output_shape", "invalid input accepted", _INVALID, _RIGHT_AXES,
                    on_invalid=True),
            Mistake("conv_output_shape", "invalid input not refused", _NOT_REFUSED, applies,
                    match="any", on_invalid=True),
            Mistake("conv_output_shape", "first entry for every axis", Message(
                "a per-axis tuple was applied as if its first entry held for every axis: use "
                "padding[i], stride[i], dilation[i] for axis i"), _first_entry),
        ),
    ),
)
