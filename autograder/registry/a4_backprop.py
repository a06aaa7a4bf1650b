"""Assignment 4: backpropagation through convolution.

For y = corr1d(x, w) and an upstream gradient dy = dL/dy, every output y[i] = sum_p w[p] x[i + p]
sends dy[i] * w[p] back to x[i + p] and dy[i] * x[i + p] back to w[p]:

    dw = corr1d(x, dy)                    (a correlation of the input with the upstream gradient)
    dx = full convolution of dy with w    (a correlation of the zero-padded dy with w flipped)

The same holds for the layer, summed over the batch and the filters, with db[f] the sum of
dout[:, f]. Backward functions are judged twice ("backward"): against the reference's gradients,
and against central differences of the forward pass (gradcheck.py), which needs no backward
function at all. `numerical_gradient` is that central difference, element by element.
"""
from __future__ import annotations

import functools

import numpy as np

from ..cases import (
    KINDS,
    LAYER_EDGES,
    Case,
    corr_shapes,
    floats,
    ints,
    kernel,
    layer_kwargs,
    layer_shapes,
    layer_values,
    pair_of_values,
)
from ..diagnose import (
    TWO_D,
    Layout,
    Mistake,
    axis_words,
    english,
    f64,
    flip,
    last_write_wins,
    one_hot,
    subsets,
)
from ..i18n import Message
from ..testfunctions import FunctionSpec, make_function
from .entry import DemoStudent, GradedFunction, Gradients, Param

ASSIGNMENT = "a4_backprop"
_LAYER = Layout((2, 3), (2, 3), (2, 3), TWO_D)  # x (N, C, H, W), w (F, C, KH, KW)

# ----------------------------------------------------------------------------- cases

def _corr1d_backward_cases(rng, trials: int) -> list[Case]:
    cases = []
    for t in range(trials):
        (length,), (k,) = corr_shapes(rng, 1)
        kind = KINDS[t % len(KINDS)]
        x, w = pair_of_values(rng, kind, (length,), (k,))
        dy = floats(rng, (length - k + 1,))
        cases.append(Case((x, w, dy.tolist() if kind == "list" else dy)))
    for note, length, k in ((Message("kernel of size 1"), 6, 1),
                            (Message("kernel as large as the input"), 5, 5)):
        x, w = pair_of_values(rng, "float", (length,), (k,))
        cases.append(Case((x, w, floats(rng, (length - k + 1,))), note=note))
    x = rng.normal(size=400)
    w = rng.normal(size=9)
    cases.append(Case((x, w, rng.normal(size=392)), note=Message("a big case"), big=True))
    return cases


def _conv2d_backward_cases(rng, trials: int) -> list[Case]:
    cases = []
    for t in range(trials):
        xs, ws, s, p, out = layer_shapes(rng)
        kind = KINDS[t % len(KINDS)]
        x, w, b = layer_values(rng, kind, xs, ws)
        dout = floats(rng, (xs[0], ws[0], *out))
        cases.append(Case((x, w, b, dout.tolist() if kind == "list" else dout),
                          layer_kwargs(s, p)))
    for edge in LAYER_EDGES:
        x, w, b = layer_values(rng, edge.kind, edge.x_shape, edge.w_shape)
        dout = floats(rng, (edge.x_shape[0], edge.w_shape[0], *edge.out))
        cases.append(Case((x, w, b, dout), layer_kwargs(edge.stride, edge.padding),
                          note=edge.note))
    xs, ws, s, p, out = (3, 3, 14, 13), (4, 3, 3, 2), 2, 1, (7, 7)
    x, w, b = rng.normal(size=xs), rng.normal(size=ws), rng.normal(size=ws[0])
    cases.append(Case((x, w, b, rng.normal(size=(xs[0], ws[0], *out))),
                      dict(stride=s, padding=p), note=Message("a big case"), big=True))
    return cases


def function_spec(rng, name: str, shape) -> FunctionSpec:
    """A random member of the FunctionSpec library for an x of `shape`."""
    size = int(np.prod(shape))
    if name == "quadratic":
        # A not symmetric, with a strong diagonal: a one-sided difference is off by h*A_ii/2
        A = np.round(rng.normal(size=(size, size)), 2) + 2.0 * np.eye(size)
        return FunctionSpec(name, {"A": A, "c": np.round(rng.normal(size=size), 2)})
    if name == "sines":
        a = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
        return FunctionSpec(name, {"a": a, "k": rng.uniform(0.5, 2.0, size=shape),
                                   "phi": rng.uniform(0, 2 * np.pi, size=shape)})
    if name == "conv_loss":
        # 0.5 * ||corr2d(x, w) - t||^2 for a random kernel w, sent as the correlation's matrix M
        # (testfunctions.py): the student's process gets a matrix product, not a correlation
        kh, kw = 2, 3
        w = kernel(rng, (kh, kw))
        t = floats(rng, (shape[0] - kh + 1, shape[1] - kw + 1))
        M = np.zeros(t.shape + tuple(shape))
        for i, j in np.ndindex(t.shape):
            M[i, j, i:i + kh, j:j + kw] = w  # output (i, j) reads the window at (i, j)
        return FunctionSpec(name, {"M": M, "t": t})
    if name == "softplus":
        return FunctionSpec(name, {"a": rng.uniform(0.5, 2.0, size=shape),
                                   "k": rng.uniform(1.0, 3.0, size=shape)
                                   * rng.choice([-1.0, 1.0], size=shape)})
    raise ValueError(name)


COARSE_STEP = 0.25  # big enough that its central difference differs clearly from the gradient

_NG_PLAN = [  # (function, x shape, how h is passed)
    ("quadratic", (3, 4), None),
    ("sines", (7,), None),
    ("conv_loss", (4, 5), None),
    ("softplus", (2, 3, 2), ("kw", 1e-6)),
    ("quadratic", (5,), ("pos", 1e-4)),
    ("sines", (3, 2), ("kw", 1e-5)),
]


def _numerical_gradient_cases(rng, trials: int) -> list[Case]:
    cases = []
    for t in range(trials):
        name, shape, how = _NG_PLAN[t % len(_NG_PLAN)]
        x = np.round(rng.uniform(-1.5, 1.5, size=shape), 3)
        args: tuple = (function_spec(rng, name, shape), x)
        kwargs: dict = {}
        if how and how[0] == "pos":
            args = args + (how[1],)
        elif how:
            kwargs["h"] = how[1]
        cases.append(Case(args, kwargs))
    cases.append(Case((function_spec(rng, "sines", (1,)), np.array([0.3])),
                      note=Message("a single element")))
    cases.append(Case((function_spec(rng, "quadratic", (2, 3)), np.round(rng.uniform(-1, 1, (2, 3)), 3)),
                      dict(h=1e-3), note=Message("a larger step h = 1e-3 (exact for a quadratic)")))
    # a coarse step: the answer is the central difference with THIS h (not the exact gradient),
    # so a function that ignores h and uses its own step is caught
    cases.append(Case((function_spec(rng, "sines", (4,)), np.round(rng.uniform(-1.5, 1.5, 4), 3)),
                      dict(h=COARSE_STEP), note=Message("a coarse step h = {h}", h=COARSE_STEP)))
    # x + h on an integer array is cut back to x: the classic all-zero gradient
    cases.append(Case((function_spec(rng, "sines", (2, 3)), ints(rng, (2, 3))),
                      note=Message("integer x")))
    cases.append(Case((function_spec(rng, "softplus", (5,)), np.round(rng.uniform(-1, 1, 5), 3).tolist()),
                      note=Message("x as a Python list")))
    return cases


# ----------------------------------------------------------------------------- mistakes: gradients
#
# "= instead of +=" in a backward loop: every element keeps only the LAST contribution written to
# it. Each window position's contribution is the reference's gradient for a dout that is zero
# everywhere else, and the elements it writes are where a kernel of ones sends that dout.

def _corr1d_backward_assign(r, x, w, dy, p_outer: bool):
    """corr1d_backward as loops over outputs i and taps p, with dx[i + p] = w[p] * dy[i] and
    dw[p] = x[i + p] * dy[i] (`=` instead of `+=`). dw[p] keeps the last output, i = O - 1.
    dx[j] keeps the last window over j when i is the outer loop; when p is, the largest p comes
    last, which is the FIRST window over j."""
    x, w, dy = f64(x), f64(w), f64(dy)
    ones = np.ones_like(w)

    def window(i):  # what output i writes into dx, and where
        e = one_hot(dy.shape, i)
        return r.corr1d_backward(x, ones, e)[0] != 0, r.corr1d_backward(x, w, dy * e)[0]

    order = range(len(dy) - 1, -1, -1) if p_outer else range(len(dy))
    dx = last_write_wins(x.shape, [window(i) for i in order])
    dw = r.corr1d_backward(x, w, dy * one_hot(dy.shape, len(dy) - 1))[1]
    return dx, dw


_ASSIGN_1D = Message("the gradient is overwritten with = instead of accumulated with +=: an input "
                     "element is used by several outputs, and each of them adds its share.")


def _conv2d_backward_assign(r, x, w, b, dout, stride=1, padding=0, per_filter: bool = True):
    """conv2d_backward as loops over output positions (i, j), with `=` instead of `+=`.

    per_filter=True (loops over n and f as well: dx[n, :, window] = w[f] * dout[n, f, i, j] and
    dw[f] = window * dout[n, f, i, j]): each pixel of dx keeps the LAST filter's share of the last
    window over it, and dw[f] the last sample's share of the last window.
    per_filter=False (n and f vectorised): dx keeps the whole last window over it, dw the last
    window, summed over samples. db is right either way (None: not this mistake's part)."""
    x, w, dout = f64(x), f64(w), f64(dout)
    N, F, OH, OW = dout.shape
    ones = np.ones_like(w)

    def grads(weights, upstream):
        return r.conv2d_backward(x, weights, b, upstream, stride=stride, padding=padding)

    def window(i, j):  # what position (i, j) writes into dx, and where
        at = one_hot(dout.shape, (slice(None), slice(None), i, j))
        written = grads(ones, at)[0] != 0
        if per_filter:
            at[:, :F - 1] = 0  # the last filter writes last
        return written, grads(w, dout * at)[0]

    dx = last_write_wins(x.shape, [window(i, j) for i, j in np.ndindex(OH, OW)])
    last = (N - 1 if per_filter else slice(None), slice(None), OH - 1, OW - 1)
    dw = grads(w, dout * one_hot(dout.shape, last))[1]
    return dx, dw, None


def _stride_ignored_backward(r, x, w, b, dout, stride=1, padding=0):
    """Backward loops that send output (i, j)'s gradient to the window at (i, j) instead of
    (i*s, j*s): the reference at stride 1, with dout in the top-left corner of the stride-1
    output and zeros elsewhere (r._conv2d_forward gives that output's shape)."""
    dout = f64(dout)
    if stride == 1:  # stride and padding are ints, as the notebooks say
        return None
    dense = np.zeros(r._conv2d_forward(x, w, b, padding=padding).shape)
    dense[:, :, :dout.shape[2], :dout.shape[3]] = dout
    dx, dw, _ = r.conv2d_backward(x, w, b, dense, stride=1, padding=padding)
    return dx, dw, None


def _n_last(r, x, w, b, dout, stride=1, padding=0):
    """dw and db from the last sample only (= instead of += over the batch)."""
    x, dout = f64(x), f64(dout)
    _, dw, db = r.conv2d_backward(x[-1:], w, b, dout[-1:], stride=stride, padding=padding)
    return None, dw, db


def _dx_uncropped(r, x, w, b, dout, stride=1, padding=0):
    if padding == 0:
        return None
    xp = np.pad(f64(x), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    return r.conv2d_backward(xp, w, b, dout, stride=stride, padding=0)[0], None, None


_DOUT_AXES = ("batch", "filters", "rows", "columns")


def _db_sums() -> list[Mistake]:
    """db = dout summed over any set of axes but the right one, (0, 2, 3)."""
    out = []
    for axes in subsets(range(4)):
        if axes == (0, 2, 3):
            continue
        where = axis_words(axes, (0, 1, 2, 3), _DOUT_AXES)
        words: Message
        if axes == (2, 3):
            name, words = "db not summed over the batch", Message(
                "db is not summed over the batch: db[f] = dout[:, f].sum(), over samples AND "
                "pixels (axes 0, 2, 3), shape (F,).")
        elif axes == (0,):
            name, words = "db not summed over space", Message(
                "db is not summed over the pixels: db[f] = dout[:, f].sum(), over samples AND "
                "pixels (axes 0, 2, 3), shape (F,).")
        else:
            name, words = f"db summed over {english(where)}", Message(
                "db is dout summed over {where}: db[f] = dout[:, f].sum(), over samples AND "
                "pixels (axes 0, 2, 3), shape (F,).", where=where)
        out.append(Mistake("conv2d_backward", name, words,
                           lambda r, x, w, b, dout, axes=axes, **k:
                               (None, None, f64(dout).sum(axis=axes))))
    return out


def _averages() -> list[Mistake]:
    """dw and db averaged instead of summed: over the batch, the output pixels, or both."""
    out = []
    for over, count in ((Message("the batch"), lambda n, oh, ow: n),
                        (Message("the pixels"), lambda n, oh, ow: oh * ow),
                        (Message("the batch and the pixels"), lambda n, oh, ow: n * oh * ow)):
        for part in ("dw", "db"):
            def variant(r, x, w, b, dout, part=part, count=count, **k):
                n, _, oh, ow = f64(dout).shape
                grads = dict(zip(("dx", "dw", "db"), r.conv2d_backward(x, w, b, dout, **k)))
                return tuple(g / count(n, oh, ow) if name == part else None
                             for name, g in grads.items())
            said = english(over)
            name = f"{part} averaged" + ("" if said == "the batch" else f" over {said}")
            out.append(Mistake("conv2d_backward", name, Message(
                "{part} is averaged over {over}; the gradient of the summed loss is the plain "
                "sum: every sample and every output pixel adds its share.", part=part, over=over),
                variant))
    return out


def _dx_flips() -> list[Mistake]:
    """dx = full convolution of dout with w: a correlation with w rotated by 180 degrees. Any
    other flip of w in it (the reference run with w flipped along S) is a mistake."""
    out = []
    layout = _LAYER
    for axes in sorted(subsets(layout.w), key=len, reverse=True):  # the fewest flipped first
        flipped = tuple(a for a in layout.w if a not in axes)
        def variant(r, x, w, b, dout, axes=axes, **k):
            return r.conv2d_backward(x, flip(w, axes), b, dout, **k)[0], None, None
        if not flipped:
            out.append(Mistake("conv2d_backward", "kernel not flipped in dx", Message(
                "dx uses the kernels the wrong way round: dx is a FULL convolution of dout with w "
                "(w rotated by 180 degrees when written as a correlation)."), variant))
        else:
            where = axis_words(flipped, layout.w, layout.names)
            name = f"kernel flipped along {english(where)} only in dx"
            out.append(Mistake("conv2d_backward", name,
                               Message("dx uses the kernels flipped along {where} only: dx is a "
                                       "FULL convolution of dout with w, a correlation with w "
                                       "rotated by 180 degrees (w[:, :, ::-1, ::-1]).",
                                       where=where), variant))
    return out


def _gradient_transposes() -> list[Mistake]:
    """dx or dw of conv2d_backward with its rows and columns swapped."""
    return [Mistake("conv2d_backward", f"{part} transposed", Message(
                    "{part} is transposed (rows and columns swapped): {part}[..., p, q] belongs "
                    "to row p, column q of {array}.", part=part,
                    array="x" if part == "dx" else "w"),
                    lambda r, *a, part=part, **k: tuple(
                        np.swapaxes(g, 2, 3) if name == part else None
                        for name, g in zip(("dx", "dw", "db"), r.conv2d_backward(*a, **k))))
            for part in ("dx", "dw")]


# ----------------------------------------------------------------------------- numerical_gradient
#
# Every mistaken difference quotient is a central difference taken at another point, along
# another direction or with another step; the reference's numerical_gradient computes each.

def _slope(r, f, point, direction, h) -> float:
    """(f(point + h d) - f(point - h d)) / 2h: the reference's central difference of
    t -> f(point + t d) at t = 0."""
    return float(r.numerical_gradient(lambda t: f(point + t[0] * direction), np.zeros(1), h)[0])


def _element_by_element(x, slope_i) -> np.ndarray:
    """An array shaped like x whose element i is slope_i(i, e_i)."""
    return np.array([slope_i(i, one_hot(x.shape, i)) for i in np.ndindex(x.shape)]).reshape(x.shape)


def _one_sided(r, spec, x, h, side: int):
    """(f(x + h e_i) - f(x)) / h (side +1) or (f(x) - f(x - h e_i)) / h (side -1): the central
    difference with step h/2, centred half a step to that side."""
    f, x = make_function(spec), f64(x)
    return _element_by_element(x, lambda i, e: _slope(r, f, x + side * h / 2 * e, e, h / 2))


def _all_at_once(r, spec, x, h=1e-5):
    """(f(x + h) - f(x - h)) / 2h in every element: the slope along (1, 1, ..., 1)."""
    f, x = make_function(spec), f64(x)
    return np.full(x.shape, _slope(r, f, x, np.ones(x.shape), h))


def _not_restored(r, spec, x, h=1e-5):
    """x[i] += h; f; x[i] -= 2h; f; and x[i] is never put back: element i is differentiated at
    the point where every earlier element was left h lower."""
    f, x = make_function(spec), f64(x)
    earlier = np.arange(x.size).reshape(x.shape)
    return _element_by_element(
        x, lambda i, e: _slope(r, f, x - h * (earlier < earlier[i]), e, h))


def _integer_x(r, spec, x, h=1e-5):
    """Central differences on an integer x kept integer: x[i] + h and x[i] - h are truncated
    toward zero when stored, so the two points are x + a e_i and x + b e_i with a, b whole
    numbers (0 or +-1), while the quotient still divides by 2h."""
    x = np.array(x)
    if x.dtype.kind not in "iub":
        return None
    f, xf = make_function(spec), f64(x)

    def quotient(i, e):
        a, b = np.trunc(xf[i] + h) - xf[i], np.trunc(xf[i] - h) - xf[i]
        if a == b:  # both points cut back to x: a difference of 0
            return 0.0
        centre, half = xf + (a + b) / 2 * e, (a - b) / 2
        return _slope(r, f, centre, e, half) * half / h

    return _element_by_element(xf, quotient)


# ----------------------------------------------------------------------------- the entries

FUNCTIONS = (
    GradedFunction(
        name="corr1d_backward",
        assignment=ASSIGNMENT,
        summary="the gradients of y = corr1d(x, w) given dy = dL/dy: dx is a full convolution of "
                "dy with w, dw = corr1d(x, dy)",
        params=(Param("x", "(L,)"), Param("w", "(K,)"), Param("dy", "(L - K + 1,)")),
        returns="(dx (L,), dw (K,)) float64",
        kind="backward",
        points=3,
        gradients=Gradients(forward="_corr1d", wrt=("x", "w"), upstream="dy"),
        cases=_corr1d_backward_cases,
        mistakes=(
            Mistake("corr1d_backward", "dx and dw swapped", Message(
                "dx and dw are swapped: return (dx, dw), with dx shaped like x and dw shaped like "
                "w."), lambda r, x, w, dy: tuple(reversed(r.corr1d_backward(x, w, dy)))),
            Mistake("corr1d_backward", "= instead of +=", _ASSIGN_1D,
                    lambda r, x, w, dy: _corr1d_backward_assign(r, x, w, dy, False)),
            Mistake("corr1d_backward", "= instead of +=", _ASSIGN_1D,
                    lambda r, x, w, dy: _corr1d_backward_assign(r, x, w, dy, True)),
            Mistake("corr1d_backward", "kernel not flipped in dx", Message(
                "dx uses the kernel the wrong way round: dx[j] = sum_i dy[i] w[j - i] is a FULL "
                "convolution of dy with w (w flipped when you write it as a correlation)."),
                    lambda r, x, w, dy: (r.corr1d_backward(x, flip(w, 0), dy)[0], None)),
            Mistake("corr1d_backward", "dw reversed", Message(
                "dw is reversed: dw[p] = sum_i dy[i] x[i + p]."),
                    lambda r, x, w, dy: (None, r.corr1d_backward(x, w, dy)[1][::-1])),
        ),
    ),
    GradedFunction(
        name="numerical_gradient",
        assignment=ASSIGNMENT,
        summary="central differences of a scalar function f at x, one element at a time: "
                "(f(x + h e_i) - f(x - h e_i)) / 2h; x is left unchanged",
        params=(Param("f", "callable: array shaped like x -> float"), Param("x", "any shape"),
                Param("h", "float", 1e-5)),
        returns="shaped like x, float64",
        kind="numerical-gradient",
        points=2,
        cases=_numerical_gradient_cases,
        # central differences carry rounding error of about eps * |f| / h (1e-9 here): judge them
        # on a looser scale than exact sums, still far below a one-sided difference's ~h
        rtol_floor=2e-7,
        atol_floor=1e-9,
        mistakes=(
            Mistake("numerical_gradient", "one-sided difference", Message(
                "this is a one-sided difference (f(x + h) - f(x)) / h; use the central difference "
                "(f(x + h e_i) - f(x - h e_i)) / (2h), whose error is about h^2 instead of h."),
                    lambda r, f, x, h=1e-5: _one_sided(r, f, x, h, +1)),
            Mistake("numerical_gradient", "one-sided difference", Message(
                "this is a one-sided difference (f(x) - f(x - h)) / h; use the central difference "
                "(f(x + h e_i) - f(x - h e_i)) / (2h)."),
                    lambda r, f, x, h=1e-5: _one_sided(r, f, x, h, -1)),
            Mistake("numerical_gradient", "h ignored", Message(
                "the step h you were given was ignored (your result is the central difference "
                "with another step): use the h argument."),
                    lambda r, f, x, h=1e-5: r.numerical_gradient(make_function(f), x)),  # default h
            Mistake("numerical_gradient", "divided by h", Message(
                "the central difference is divided by h; the two points are 2h apart, so divide "
                "by 2h."),
                    lambda r, f, x, h=1e-5: 2 * r.numerical_gradient(make_function(f), x, h)),
            Mistake("numerical_gradient", "all elements at once", Message(
                "all elements were moved at once (x + h); move one element at a time: "
                "x + h * e_i, where e_i is zero except at element i."), _all_at_once),
            Mistake("numerical_gradient", "x mutated", Message(
                "x is changed in place and not put back: after x[i] += h and x[i] -= 2*h, "
                "element i stays at x[i] - h, so later elements are differentiated at the wrong "
                "point. Work on a copy (x.copy()) or restore x[i]."), _not_restored),
            Mistake("numerical_gradient", "integer x", Message(
                "x is an integer array, so x[i] + h is cut back to x[i] and every difference is "
                "0: work on a float copy, x = np.array(x, dtype=float)."), _integer_x),
        ),
        demo=(DemoStudent("cy", "forward difference instead of central", '''
def numerical_gradient(f, x, h=1e-5):
    # one-sided difference: (f(x + h) - f(x)) / h, only first-order accurate
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = f(x.copy())
    for i in np.ndindex(x.shape):
        bumped = x.copy()
        bumped[i] += h
        grad[i] = (f(bumped) - fx) / h
    return grad
'''),),
    ),
    GradedFunction(
        name="conv2d_backward",
        assignment=ASSIGNMENT,
        summary="the gradients of conv2d_forward given dout = dL/dout: dx, dw and db, summed over "
                "the batch, the filters and the window positions",
        params=(Param("x", "(N, C, H, W)"), Param("w", "(F, C, KH, KW)"), Param("b", "(F,)"),
                Param("dout", "(N, F, OH, OW)"), Param("stride", "int", 1),
                Param("padding", "int", 0)),
        returns="(dx (N, C, H, W), dw (F, C, KH, KW), db (F,)) float64",
        kind="backward",
        points=5,
        gradients=Gradients(forward="_conv2d_forward", wrt=("x", "w", "b"), upstream="dout"),
        cases=_conv2d_backward_cases,
        mistakes=(
            Mistake("conv2d_backward", "dx and dw swapped", Message(
                "dx and dw are swapped: return (dx, dw, db) with dx shaped like x and dw shaped "
                "like w."),
                    lambda r, x, w, b, dout, **k: (lambda g: (g[1], g[0], g[2]))(
                        r.conv2d_backward(x, w, b, dout, **k))),
            Mistake("conv2d_backward", "= instead of +=", Message(
                "the gradient is overwritten with = instead of accumulated with +=: windows "
                "overlap and every sample and filter adds its share, so only the last one "
                "survived."), functools.partial(_conv2d_backward_assign, per_filter=True)),
            Mistake("conv2d_backward", "= instead of +=", Message(
                "the gradient is overwritten with = instead of accumulated with +=: windows "
                "overlap, so only the last window position survived."),
                    functools.partial(_conv2d_backward_assign, per_filter=False)),
            Mistake("conv2d_backward", "= instead of += over the batch", Message(
                "only the last sample of the batch contributes: dw and db sum over all N samples "
                "(+=, not =)."), _n_last),
            *_db_sums(),
            *_averages(),
            Mistake("conv2d_backward", "padding not removed from dx", Message(
                "dx still has the padding: compute the gradient of the padded input, then cut "
                "the padding off, dxp[:, :, p:p+H, p:p+W]."), _dx_uncropped),
            Mistake("conv2d_backward", "stride ignored", Message(
                "the stride is ignored in the backward pass: output pixel (i, j) came from the "
                "window at (i*s, j*s), so its gradient goes back there."),
                    _stride_ignored_backward),
            *_dx_flips(),
            *_gradient_transposes(),
        ),
        demo=(DemoStudent("ben", "dx and dw swapped", '''
def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    dx, dw, db = _first_try(x, w, b, dout, stride, padding)
    return dw, dx, db  # returned in the wrong order
'''),),
    ),
)
