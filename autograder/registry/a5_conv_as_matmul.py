"""Assignment 5: convolution as a matrix product, and learning a kernel.

Cut every window of the (zero-padded) input out, flatten it in (C, KH, KW) order and stack the
windows as rows, output pixel (i, j) in row i*OW + j: that is im2col, (N, OH*OW, C*KH*KW). The
layer is then ONE matrix product with the kernels flattened the same way:

    out = im2col(x) @ w.reshape(F, -1).T + b     (N, OH*OW, F) -> transposed to (N, F, OH, OW)

Seen the other way round, a valid 2D cross-correlation is a matrix M of shape (OH*OW, H*W) with
M @ x.ravel() == corr2d(x, w).ravel(): row i*OW + j holds w[p, q] in column (i + p)*W + (j + q).

Every function here returns a float64 array ("array"). Every mistake below is the reference run on
a changed input, or the reference's answer with its rows, columns or axes rearranged: the grader
holds no im2col, convolution or output-size formula of its own (the output grid (OH, OW) a
rearrangement needs is read off the shape of a reference answer).
"""
from __future__ import annotations

import itertools

import numpy as np

from ..cases import (
    BIAS_REFUSAL,
    KINDS,
    LAYER_EDGES,
    LAYER_REFUSALS,
    Case,
    corr_shapes,
    floats,
    layer_cases,
    layer_kwargs,
    layer_shapes,
    pair_of_values,
    refusal,
)
from ..diagnose import (
    TWO_D,
    Layout,
    Mistake,
    axis_words,
    english,
    f64,
    flip,
    kernel_flips,
    off_by_one,
    subsets,
    transposes,
)
from ..i18n import Message
from .entry import DemoStudent, GradedFunction, Param

ASSIGNMENT = "a5_conv_as_matmul"

# ----------------------------------------------------------------------------- cases

# The shape checks the a5 notebook asks for (and nothing else): (why, x shape, w shape, stride,
# padding). im2col gets the kernel size from w's shape.
_IM2COL_REFUSALS = [
    (Message("x (3, 5, 5) is not 4D (N, C, H, W)"), (3, 5, 5), (2, 3, 3, 3), 1, 0),
    (Message("the kernel (5, 7) does not fit the padded input (5, 6)"), (2, 2, 3, 4), (3, 2, 5, 7),
     1, 1),
    (Message("the kernel (5, 3) does not fit the input (4, 6)"), (1, 2, 4, 6), (2, 2, 5, 3), 2, 0),
]
# the a3 layer's shape checks, without the bias one: the a5 notebook does not ask for it
_LAYER_REFUSALS = [r for r in LAYER_REFUSALS if r is not BIAS_REFUSAL]


def _im2col_cases(rng, trials: int) -> list[Case]:
    """x from the layer shapes (N, C, KH, KW > 1 and all different, H != W, int stride and
    padding), the kernel size (KH, KW) as ints; the layer's edge cases; the refusals."""
    cases = []
    for t in range(trials):
        xs, ws, s, p, _ = layer_shapes(rng)
        x, _ = pair_of_values(rng, KINDS[t % len(KINDS)], xs, ws)
        cases.append(Case((x, ws[2], ws[3]), layer_kwargs(s, p)))
    for edge in LAYER_EDGES:
        x, _ = pair_of_values(rng, edge.kind, edge.x_shape, edge.w_shape)
        # im2col has no w: the layer's "integer x and w" is an integer x here
        note = Message("integer x") if edge.kind == "int" else edge.note
        cases.append(Case((x, edge.w_shape[2], edge.w_shape[3]),
                          layer_kwargs(edge.stride, edge.padding), note=note))
    for why, xs, ws, s, p in _IM2COL_REFUSALS:
        cases.append(refusal((floats(rng, xs), ws[-2], ws[-1]), why, **layer_kwargs(s, p)))
    return cases


def _layer_cases(rng, trials: int) -> list[Case]:
    return layer_cases(rng, trials, _LAYER_REFUSALS)


def _conv_matrix_cases(rng, trials: int) -> list[Case]:
    """A non-symmetric kernel (KH != KW, both > 1) and a non-square input (H != W); the value kind
    cycles as elsewhere (a Python list: w and input_shape both lists)."""
    cases = []
    for t in range(trials):
        kind = KINDS[t % len(KINDS)]
        xs, ws = corr_shapes(rng, 2)
        _, w = pair_of_values(rng, kind, xs, ws)
        cases.append(Case((w, list(xs) if kind == "list" else tuple(xs))))
    for note, xs, ws, kind in [
        (Message("kernel of size 1"), (4, 5), (1, 1), "float"),
        (Message("kernel as large as the input (one output pixel)"), (3, 4), (3, 4), "float"),
        (Message("a row kernel"), (3, 6), (1, 3), "float"),
        (Message("a column kernel, integer weights"), (6, 3), (3, 1), "int"),
    ]:
        cases.append(Case((pair_of_values(rng, kind, xs, ws)[1], xs), note=note))
    cases.append(Case(([[0, 1], [2, 3]], (3, 3)), note=Message("the lecture's worked example")))
    for why, ws, xs in [
        (Message("w (2, 2, 2) is not 2D"), (2, 2, 2), (5, 5)),
        (Message("w (3,) is not 2D"), (3,), (5, 5)),
        (Message("the kernel (2, 6) is wider than the input (5, 5)"), (2, 6), (5, 5)),
        (Message("the kernel (6, 2) is taller than the input (5, 4)"), (6, 2), (5, 4)),
    ]:
        cases.append(refusal((floats(rng, ws), xs), why))
    return cases


# ----------------------------------------------------------------------------- mistakes
#
# The output grid (OH, OW) comes from the shape of a reference answer: conv2d_matmul with one
# zero kernel for a layer, conv_matrix of a one-column kernel on a one-column input for OH.

def _grid(r, x, kh, kw, stride=1, padding=0) -> tuple[int, int]:
    """(OH, OW) of a layer on x with a (kh, kw) kernel: read off the reference's output shape."""
    c = f64(x).shape[1]
    return r.conv2d_matmul(x, np.zeros((1, c, kh, kw)), np.zeros(1), stride=stride,
                           padding=padding).shape[2:]


_WINDOW_AXES = ("C", "KH", "KW")


def _column_orders() -> list[Mistake]:
    """im2col's windows flattened in another order of (C, KH, KW): the reference's columns
    permuted. (KH, KW, C), channel last, is the classic (images stored height x width x channel)."""
    out = []
    for order in sorted(itertools.permutations(range(3)), key=lambda o: o != (1, 2, 0)):
        if order == (0, 1, 2):
            continue
        names = ", ".join(_WINDOW_AXES[a] for a in order)

        def variant(r, x, kh, kw, stride=1, padding=0, order=order):
            cols = r.im2col(x, kh, kw, stride=stride, padding=padding)
            n, rows, _ = cols.shape
            window = cols.reshape(n, rows, f64(x).shape[1], kh, kw)
            return window.transpose(0, 1, *(2 + a for a in order)).reshape(cols.shape)
        out.append(Mistake(
            "im2col", f"wrong column order ({names})", Message(
                "the columns are in ({names}) order: flatten each window in (C, KH, KW) order, "
                "the order of w.reshape(F, -1), so that column k meets entry k of every flattened "
                "kernel (window.ravel() of xpad[n, :, rows, cols] does that).", names=names),
            variant))
    return out


def _im2col_stride_in_size_only(r, x, kh, kw, stride=1, padding=0):
    """The number of rows counted with the stride, the windows cut at stride 1."""
    if stride == 1:
        return None
    oh, ow = _grid(r, x, kh, kw, stride, padding)
    dense = r.im2col(x, kh, kw, stride=1, padding=padding)
    oh1, ow1 = _grid(r, x, kh, kw, 1, padding)
    n, _, d = dense.shape
    return dense.reshape(n, oh1, ow1, d)[:, :oh, :ow].reshape(n, oh * ow, d)


def _pad_one_side(x, padding, before: bool) -> np.ndarray:
    """x (N, C, H, W) with `padding` zeros only above and left of it (before) or below and right."""
    side = (padding, 0) if before else (0, padding)
    return np.pad(f64(x), ((0, 0), (0, 0), side, side))


_ONE_SIDE = {True: Message("above and to the left"), False: Message("below and to the right")}


def _padding_once(function: str) -> list[Mistake]:
    """The zeros added on one side only (np.pad(x, (p, 0)) or (0, p) per spatial axis)."""
    out = []
    for before in (True, False):
        if function == "im2col":
            def variant(r, x, kh, kw, stride=1, padding=0, before=before):
                return None if padding == 0 else r.im2col(
                    _pad_one_side(x, padding, before), kh, kw, stride=stride)
        else:
            def variant(r, x, w, b, stride=1, padding=0, before=before):
                return None if padding == 0 else r.conv2d_matmul(
                    _pad_one_side(x, padding, before), w, b, stride=stride)
        out.append(Mistake(function, "padding applied once", Message(
            "the padding is applied once, only {side}: pad both spatial axes on BOTH sides, "
            "np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))).", side=_ONE_SIDE[before]), variant))
    return out


def _rows_ow_major(r, x, kh, kw, stride=1, padding=0):
    """The windows stacked column by column: row j*OH + i instead of i*OW + j."""
    cols = r.im2col(x, kh, kw, stride=stride, padding=padding)
    oh, ow = _grid(r, x, kh, kw, stride, padding)
    n, _, d = cols.shape
    return cols.reshape(n, oh, ow, d).transpose(0, 2, 1, 3).reshape(cols.shape)


def _kernel_order_mismatch() -> list[Mistake]:
    """conv2d_matmul with im2col columns in another order of (C, KH, KW) than w.reshape(F, -1):
    the same product as the reference with each flattened kernel re-read in that order."""
    out = []
    for order in sorted(itertools.permutations(range(3)), key=lambda o: o != (1, 2, 0)):
        if order == (0, 1, 2):
            continue
        names = ", ".join(_WINDOW_AXES[a] for a in order)

        def variant(r, x, w, b, stride=1, padding=0, order=order):
            w = f64(w)
            read = w.reshape(w.shape[0], *(w.shape[1 + a] for a in order))
            back = tuple(int(i) for i in np.argsort(order))
            return r.conv2d_matmul(x, read.transpose(0, *(1 + a for a in back)), b,
                                   stride=stride, padding=padding)
        out.append(Mistake(
            "conv2d_matmul", f"columns and kernels do not line up ({names})", Message(
                "im2col's columns are in ({names}) order but w.reshape(F, -1) is in (C, KH, KW) "
                "order, so windows and kernels are multiplied entry by entry in different "
                "orders: flatten the windows in (C, KH, KW) order.", names=names),
            variant))
    return out


def _reshaped_without_transpose(r, x, w, b, **kwargs):
    """The product (N, OH*OW, F) reshaped straight to (N, F, OH, OW)."""
    out = r.conv2d_matmul(x, w, b, **kwargs)
    n, f, oh, ow = out.shape
    return out.transpose(0, 2, 3, 1).reshape(n, f, oh, ow)


def _layer_stride_in_size_only(r, x, w, b, stride=1, padding=0):
    """Output size computed with the stride, but windows taken at stride 1."""
    right = r.conv2d_matmul(x, w, b, stride=stride, padding=padding)
    dense = r.conv2d_matmul(x, w, b, stride=1, padding=padding)
    return dense[:, :, :right.shape[2], :right.shape[3]]


def _conv_matrix_height(r, w, input_shape) -> int:
    """OH of conv_matrix(w, input_shape), read off the reference: one kernel column on one input
    column gives OH rows."""
    return r.conv_matrix(np.ones((f64(w).shape[0], 1)), (input_shape[0], 1)).shape[0]


def _matrix_rows_ow_major(r, w, input_shape):
    """M's rows in column-major order of the output pixels: row j*OH + i holds pixel (i, j)."""
    m = r.conv_matrix(w, input_shape)
    oh = _conv_matrix_height(r, w, input_shape)
    return m.reshape(oh, -1, m.shape[1]).transpose(1, 0, 2).reshape(m.shape)


def _matrix_columns_column_major(r, w, input_shape):
    """M's columns for x flattened column by column (x.T.ravel(), order="F")."""
    m = r.conv_matrix(w, input_shape)
    h, wd = input_shape
    return m.reshape(m.shape[0], h, wd).transpose(0, 2, 1).reshape(m.shape)


def _matrix_flips() -> list[Mistake]:
    """conv_matrix built from w flipped along rows, columns or both (the first argument is w)."""
    axes_all = (0, 1)
    out = []
    for axes in subsets(axes_all):
        words: Message
        if len(axes) == len(axes_all):
            name, words = "kernel flipped", Message(
                "the kernel is flipped: row i*OW + j holds w[p, q] in column (i + p)*W + (j + q); "
                "correlation slides w as it is (that would be convolution).")
        else:
            where = axis_words(axes, axes_all, TWO_D)
            name = f"kernel flipped along {english(where)} only"
            words = Message("the kernel is flipped along {where} only: row i*OW + j holds w[p, q] "
                            "in column (i + p)*W + (j + q).", where=where)
        out.append(Mistake("conv_matrix", name, words,
                           lambda r, w, input_shape, axes=axes: r.conv_matrix(flip(w, axes),
                                                                              input_shape)))
    return out


_LAYER = Layout((2, 3), (2, 3), (2, 3), TWO_D)  # x (N, C, H, W), w (F, C, KH, KW), out (N, F, ..)
_LAYER_SIZE = Message("the output is {off}: OH = (H + 2*padding - KH) // stride + 1, and the "
                      "same for OW.")  # {off}: diagnose fills it in ("one row short")


# ----------------------------------------------------------------------------- the entries

FUNCTIONS = (
    GradedFunction(
        name="im2col",
        assignment=ASSIGNMENT,
        summary="every window of the zero-padded input as one row, flattened in (C, KH, KW) "
                "order; row i*OW + j is the window at (i*stride, j*stride)",
        params=(Param("x", "(N, C, H, W)"), Param("kh", "int"), Param("kw", "int"),
                Param("stride", "int", 1), Param("padding", "int", 0)),
        returns="(N, OH*OW, C*KH*KW) float64",
        kind="array",
        points=3,
        cases=_im2col_cases,
        mistakes=(
            *_column_orders(),
            Mistake("im2col", "rows in the wrong order", Message(
                "the rows are in column-major order of the output pixels: row r = i*OW + j holds "
                "the window of output pixel (i, j), so the window one step to the RIGHT comes "
                "next."), _rows_ow_major),
            Mistake("im2col", "stride ignored", Message(
                "the stride is ignored: with stride s the window of output pixel (i, j) starts at "
                "(i*s, j*s), and there are only OH*OW = ((H + 2p - KH) // s + 1) * "
                "((W + 2p - KW) // s + 1) of them."),
                    lambda r, x, kh, kw, stride=1, padding=0: None if stride == 1 else
                    r.im2col(x, kh, kw, stride=1, padding=padding)),
            Mistake("im2col", "stride ignored", Message(
                "the stride is used for the number of rows but not when cutting the windows: the "
                "window of output pixel (i, j) starts at (i*stride, j*stride)."),
                    _im2col_stride_in_size_only),
            *_padding_once("im2col"),
            Mistake("im2col", "padding ignored", Message(
                "the padding is ignored: pad the two spatial axes of x with zeros first, "
                "np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))."),
                    lambda r, x, kh, kw, stride=1, padding=0: None if padding == 0 else
                    r.im2col(x, kh, kw, stride=stride)),
            Mistake("im2col", "kh and kw swapped", Message(
                "the kernel's height and width are swapped: the window is kh rows tall and kw "
                "columns wide, xpad[n, :, i*s : i*s + kh, j*s : j*s + kw]."),
                    lambda r, x, kh, kw, **k: r.im2col(x, kw, kh, **k)),
            Mistake("im2col", "batch stacked into the rows", Message(
                "the images are stacked into the rows, (N*OH*OW, C*KH*KW): im2col keeps the batch "
                "axis first, (N, OH*OW, C*KH*KW)."),
                    lambda r, x, kh, kw, **k: (lambda c: c.reshape(-1, c.shape[2]))(
                        r.im2col(x, kh, kw, **k))),
        ),
        demo=(DemoStudent("ben", "im2col columns in (KH, KW, C) order", '''
def im2col(x, kh, kw, stride=1, padding=0):
    # each window flattened channel last, (KH, KW, C), as images are stored height x width x channel
    cols = _first_try(x, kh, kw, stride, padding)
    N, L, _ = cols.shape
    C = np.asarray(x).shape[1]
    return cols.reshape(N, L, C, kh, kw).transpose(0, 1, 3, 4, 2).reshape(N, L, -1)
'''),),
    ),
    GradedFunction(
        name="conv2d_matmul",
        assignment=ASSIGNMENT,
        summary="the convolution layer as one matrix product: im2col(x) @ w.reshape(F, -1).T + b, "
                "transposed and reshaped to (N, F, OH, OW)",
        params=(Param("x", "(N, C, H, W)"), Param("w", "(F, C, KH, KW)"), Param("b", "(F,)"),
                Param("stride", "int", 1), Param("padding", "int", 0)),
        returns="(N, F, OH, OW) float64",
        kind="array",
        points=3,
        cases=_layer_cases,
        mistakes=(
            Mistake("conv2d_matmul", "reshaped without transposing", Message(
                "the product (N, OH*OW, F) was reshaped straight to (N, F, OH, OW): it has one "
                "COLUMN per kernel, so move that axis forward first, out.transpose(0, 2, 1), then "
                "reshape."), _reshaped_without_transpose),
            Mistake("conv2d_matmul", "bias missing", Message(
                "the bias is missing: add b (one entry per kernel) to the product, before "
                "reshaping."),
                    lambda r, x, w, b, **k: r.conv2d_matmul(x, w, 0 * f64(b), **k)),
            *_kernel_order_mismatch(),
            *kernel_flips("conv2d_matmul", _LAYER, slides_as_is=Message(
                "A CNN's convolution layer is a cross-correlation: w.reshape(F, -1) flattens each "
                "kernel as it is.")),
            *transposes("conv2d_matmul", _LAYER),
            Mistake("conv2d_matmul", "stride ignored", Message(
                "the stride is ignored: with stride s the window of output pixel (i, j) starts at "
                "(i*s, j*s) (im2col's stride)."),
                    lambda r, x, w, b, stride=1, padding=0: None if stride == 1 else
                    r.conv2d_matmul(x, w, b, padding=padding)),
            Mistake("conv2d_matmul", "stride ignored", Message(
                "the stride is used for the output size but not when cutting the windows: the "
                "window of output pixel (i, j) starts at (i*stride, j*stride)."),
                    _layer_stride_in_size_only),
            *_padding_once("conv2d_matmul"),
            Mistake("conv2d_matmul", "padding ignored", Message(
                "the padding is ignored: pad the two spatial axes of x with zeros first (pass "
                "padding on to im2col)."),
                    lambda r, x, w, b, stride=1, padding=0: None if padding == 0 else
                    r.conv2d_matmul(x, w, b, stride=stride)),
            off_by_one("conv2d_matmul", _LAYER, _LAYER_SIZE),
        ),
    ),
    GradedFunction(
        name="conv_matrix",
        assignment=ASSIGNMENT,
        summary="the matrix M of a valid 2D cross-correlation, M @ x.ravel() == corr2d(x, "
                "w).ravel(): row i*OW + j holds w[p, q] in column (i + p)*W + (j + q)",
        params=(Param("w", "(KH, KW)"), Param("input_shape", "(H, W)")),
        returns="(OH*OW, H*W) float64",
        kind="array",
        points=2,
        cases=_conv_matrix_cases,
        mistakes=(
            Mistake("conv_matrix", "M transposed", Message(
                "M is transposed: it has one ROW per output pixel and one column per input pixel, "
                "shape (OH*OW, H*W), so that M @ x.ravel() is the output."),
                    lambda r, w, input_shape: r.conv_matrix(w, input_shape).T),
            *_matrix_flips(),
            Mistake("conv_matrix", "rows in the wrong order", Message(
                "the rows are in column-major order of the output pixels: row r = i*OW + j "
                "computes output pixel (i, j), row by row (the order of .ravel())."),
                    _matrix_rows_ow_major),
            Mistake("conv_matrix", "columns in the wrong order", Message(
                "the columns follow the input flattened column by column: column (i + p)*W + "
                "(j + q) is input pixel (i + p, j + q), row by row (the order of x.ravel())."),
                    _matrix_columns_column_major),
        ),
        demo=(DemoStudent("cy", "conv_matrix transposed", '''
def conv_matrix(w, input_shape):
    # one row per INPUT pixel: the matrix is transposed
    return _first_try(w, input_shape).T
'''),),
    ),
)
