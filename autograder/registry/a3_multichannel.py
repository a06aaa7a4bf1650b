"""Assignment 3: many channels in, many channels out — the convolution layer.

An image has C channels; a kernel has one (KH, KW) slice per channel. Correlate each channel with
its slice and ADD the C results: one output map per kernel. F kernels give F output channels; a
batch of N images gives N such stacks; each output channel f gets its own bias b[f]:

    y[n, f] = b[f] + sum_c corr2d(x_padded[n, c], w[f, c])   (windows every `stride` pixels)
    OH = (H + 2*padding - KH) // stride + 1,  OW likewise

Every function here returns a float64 array ("array").
"""
from __future__ import annotations

import numpy as np

from ..cases import (
    KINDS,
    Case,
    corr_shapes,
    distinct,
    layer_cases,
    pair_of_values,
    refusal,
)
from ..diagnose import (
    TWO_D,
    Layout,
    Mistake,
    comma_list,
    correlation_family,
    f64,
    kernel_flips,
    lazy,
    off_by_one,
    transposes,
)
from ..i18n import Message
from .entry import DemoStudent, GradedFunction, Param

ASSIGNMENT = "a3_multichannel"

# ----------------------------------------------------------------------------- cases

def _multi_in_cases(rng, trials: int) -> list[Case]:
    cases = []
    for t in range(trials):
        c = int(rng.integers(2, 5))
        (h, w), (kh, kw) = corr_shapes(rng, 2)
        cases.append(Case(pair_of_values(rng, KINDS[t % len(KINDS)], (c, h, w), (c, kh, kw))))
    cases += [
        Case(pair_of_values(rng, "float", (1, 4, 5), (1, 2, 3)), note=Message("a single channel")),
        Case(pair_of_values(rng, "float", (3, 3, 4), (3, 3, 4)),
             note=Message("kernel as large as the input")),
        Case(pair_of_values(rng, "float", (3, 4, 5), (3, 1, 1)),
             note=Message("1x1 kernel: a weighted sum of channels")),
    ]
    return cases + _channel_refusals(rng, [((3, 5, 5), (2, 3, 3)), ((2, 4, 5), (3, 2, 2))])


def _multi_in_out_cases(rng, trials: int) -> list[Case]:
    cases = []
    for t in range(trials):
        c, f = distinct(rng, 2, 4, 2)
        (h, w), (kh, kw) = corr_shapes(rng, 2)
        cases.append(Case(pair_of_values(rng, KINDS[t % len(KINDS)], (c, h, w), (f, c, kh, kw))))
    cases += [
        Case(pair_of_values(rng, "float", (3, 4, 5), (1, 3, 2, 3)),
             note=Message("one output channel")),
        Case(pair_of_values(rng, "float", (2, 3, 4), (4, 2, 3, 4)),
             note=Message("kernel as large as the input")),
        Case(pair_of_values(rng, "float", (3, 4, 5), (2, 3, 1, 1)), note=Message("1x1 kernels")),
    ]
    return cases + _channel_refusals(rng, [((3, 5, 5), (2, 4, 3, 3)), ((4, 5, 6), (3, 2, 2, 2))])


def _channel_refusals(rng, shapes) -> list[Case]:
    """x (C, H, W) with a kernel w (..., C', KH, KW) whose channel count C' differs: the a3
    notebook asks corr2d_multi_in and corr2d_multi_in_out to raise ValueError for it."""
    return [refusal(pair_of_values(rng, "float", xs, ws),
                    Message("x {x_shape} has {x_channels} channels but w {w_shape} has "
                            "{w_channels}", x_shape=xs, x_channels=xs[0], w_shape=ws,
                            w_channels=ws[-3]))
            for xs, ws in shapes]


# ----------------------------------------------------------------------------- mistakes

def _per_channel(r, x, w):
    """corr2d_multi_in without the sum over channels: (C, OH, OW)."""
    x, w = f64(x), f64(w)
    return np.stack([r.corr2d_multi_in(x[c:c + 1], w[c:c + 1]) for c in range(x.shape[0])])


def _per_channel_out(r, x, w):
    """corr2d_multi_in_out without the sum over channels: (F, C, OH, OW)."""
    x, w = f64(x), f64(w)
    return np.stack([np.stack([r.corr2d_multi_in(x[c:c + 1], w[f, c:c + 1])
                               for c in range(x.shape[0])]) for f in range(w.shape[0])])


def _stride_not_used_in_window(r, x, w, b, stride=1, padding=0):
    """Output size computed with the stride, but windows taken at stride 1."""
    right = r.conv2d_forward(x, w, b, stride=stride, padding=padding)
    dense = r.conv2d_forward(x, w, b, stride=1, padding=padding)
    return dense[:, :, :right.shape[2], :right.shape[3]]


def _swap_stride_padding(r, x, w, b, stride=1, padding=0):
    if stride == padding or (isinstance(padding, int) and padding < 1):
        return None
    return r.conv2d_forward(x, w, b, stride=padding, padding=stride)


def _layer_terms(r, x, w, b, stride=1, padding=0) -> np.ndarray:
    """conv2d_forward's per-input-channel terms before the sum over channels, without the bias:
    (N, F, C, OH, OW)."""
    x, w = f64(x), f64(w)
    zero = np.zeros(w.shape[0])
    return np.stack([r.conv2d_forward(x[:, c:c + 1], w[:, c:c + 1], zero, stride=stride,
                                      padding=padding) for c in range(x.shape[1])], axis=2)


def _wrong_axis_sums(function, names, terms, bias: bool = False) -> list[Mistake]:
    """The per-channel terms (`terms(r, x, w, ...)`, axes `names`) summed over another axis than
    the input channels; with `bias`, b[f] is added to output channel f while that axis is left."""
    right = names.index("channels")
    out = []
    for axis, name in enumerate(names):
        if axis == right:
            continue

        def variant(r, x, w, *rest, axis=axis, **kwargs):
            y = terms(r, x, w, *rest, **kwargs).sum(axis=axis)
            if bias and "filters" != names[axis]:
                f_axis = names.index("filters") - (axis < names.index("filters"))
                shape = [1] * y.ndim
                shape[f_axis] = -1
                y = y + f64(rest[0]).reshape(shape)
            return y
        out.append(Mistake(function, f"summed over the {name}", Message(
            "the sum runs over axis {axis} ({axis_name}) of the per-channel terms ({axis_names}) "
            "instead of axis {channel_axis} (channels): correlate each input channel with its "
            "kernel slice and ADD the channels.", axis=axis, axis_name=lazy(name),
            axis_names=comma_list(lazy(n) for n in names), channel_axis=right), variant))
    return out


# where the axes sit: x (C, H, W) / (N, C, H, W), w (C, KH, KW) / (F, C, KH, KW)
_MULTI_IN = Layout((1, 2), (1, 2), (0, 1), TWO_D)
_MULTI_IN_OUT = Layout((1, 2), (2, 3), (1, 2), TWO_D)
_LAYER = Layout((2, 3), (2, 3), (2, 3), TWO_D)

_LAYER_SIZE = Message("the output is {off}: OH = (H + 2*padding - KH) // stride + 1, and the same "
                      "for OW.")


# ----------------------------------------------------------------------------- the entries

FUNCTIONS = (
    GradedFunction(
        name="corr2d_multi_in",
        assignment=ASSIGNMENT,
        summary="one kernel over C input channels: correlate channel c with w[c], add the C maps",
        params=(Param("x", "(C, H, W)"), Param("w", "(C, KH, KW)")),
        returns="(OH, OW) float64",
        kind="array",
        points=2,
        cases=_multi_in_cases,
        mistakes=(
            *correlation_family("corr2d_multi_in", _MULTI_IN),
            *_wrong_axis_sums("corr2d_multi_in", ("channels", "rows", "columns"), _per_channel),
            Mistake("corr2d_multi_in", "channels not summed", Message(
                "the channels are not summed: each input channel is correlated with its kernel "
                "channel, and the C results are ADDED into one (OH, OW) map."),
                _per_channel),
            Mistake("corr2d_multi_in", "only the first channel", Message(
                "only the first channel is used: correlate every channel c (x[c] with w[c]) and "
                "add the results."),
                lambda r, x, w: r.corr2d_multi_in(f64(x)[:1], f64(w)[:1])),
            Mistake("corr2d_multi_in", "channels overwritten", Message(
                "only the last channel counts: the sum over channels was overwritten with = "
                "instead of accumulated with +=."),
                lambda r, x, w: r.corr2d_multi_in(f64(x)[-1:], f64(w)[-1:])),
            Mistake("corr2d_multi_in", "channels averaged", Message(
                "the channels are averaged; they must be summed."),
                lambda r, x, w: r.corr2d_multi_in(x, w) / f64(x).shape[0]),
            Mistake("corr2d_multi_in", "same kernel for every channel", Message(
                "every channel is correlated with w[0]; channel c needs its own kernel slice "
                "w[c]."),
                lambda r, x, w: r.corr2d_multi_in(x, np.broadcast_to(f64(w)[:1], f64(w).shape))),
        ),
        demo=(DemoStudent("ben", "channels not summed", '''
def corr2d_multi_in(x, w):
    # one map per channel, never added up
    x, w = np.asarray(x), np.asarray(w)
    return np.stack([_first_try(x[c:c + 1], w[c:c + 1]) for c in range(x.shape[0])])
'''),),
    ),
    GradedFunction(
        name="corr2d_multi_in_out",
        assignment=ASSIGNMENT,
        summary="F kernels over C input channels: one corr2d_multi_in map per kernel, stacked",
        params=(Param("x", "(C, H, W)"), Param("w", "(F, C, KH, KW)")),
        returns="(F, OH, OW) float64",
        kind="array",
        points=2,
        cases=_multi_in_out_cases,
        mistakes=(
            *correlation_family("corr2d_multi_in_out", _MULTI_IN_OUT),
            *_wrong_axis_sums("corr2d_multi_in_out", ("filters", "channels", "rows", "columns"),
                              _per_channel_out),
            Mistake("corr2d_multi_in_out", "channels not summed", Message(
                "the input channels are not summed: for each kernel f, add the C per-channel "
                "correlations into one (OH, OW) map."),
                _per_channel_out),
            Mistake("corr2d_multi_in_out", "only the first channel", Message(
                "only the first input channel is used: every kernel w[f] has C channel slices, "
                "all of which count."),
                lambda r, x, w: r.corr2d_multi_in_out(f64(x)[:1], f64(w)[:, :1])),
            Mistake("corr2d_multi_in_out", "channels overwritten", Message(
                "only the last input channel counts: the sum over channels was overwritten with = "
                "instead of +=."),
                lambda r, x, w: r.corr2d_multi_in_out(f64(x)[-1:], f64(w)[:, -1:])),
            Mistake("corr2d_multi_in_out", "output channels last", Message(
                "the output channels are on the last axis; the result is (F, OH, OW), one map per "
                "kernel, stacked on axis 0."),
                lambda r, x, w: np.moveaxis(r.corr2d_multi_in_out(x, w), 0, -1)),
        ),
    ),
    GradedFunction(
        name="conv2d_forward",
        assignment=ASSIGNMENT,
        summary="the convolution layer as CNNs use it: a batch, F kernels, a bias per kernel, zero "
                "padding and a stride",
        params=(Param("x", "(N, C, H, W)"), Param("w", "(F, C, KH, KW)"), Param("b", "(F,)"),
                Param("stride", "int", 1), Param("padding", "int", 0)),
        returns="(N, F, OH, OW) float64",
        kind="array",
        points=4,
        cases=layer_cases,
        mistakes=(
            *kernel_flips("conv2d_forward", _LAYER, slides_as_is=Message(
                "A CNN's convolution layer is a cross-correlation: it slides w as it is.")),
            *transposes("conv2d_forward", _LAYER),
            *_wrong_axis_sums("conv2d_forward", ("batch", "filters", "channels", "rows",
                                                 "columns"), _layer_terms, bias=True),
            Mistake("conv2d_forward", "bias missing", Message(
                "the bias is missing: add b[f] to every pixel of output channel f."),
                lambda r, x, w, b, **k: r.conv2d_forward(x, w, 0 * f64(b), **k)),
            Mistake("conv2d_forward", "bias added per input channel", Message(
                "the bias is added once per input channel (inside the channel loop); add b[f] "
                "once per output pixel."),
                lambda r, x, w, b, **k: r.conv2d_forward(x, w, f64(x).shape[1] * f64(b), **k)),
            Mistake("conv2d_forward", "bias added per kernel element", Message(
                "the bias is added once per kernel element (inside the loop over the window); add "
                "b[f] once per output pixel."),
                lambda r, x, w, b, **k: r.conv2d_forward(x, w, np.prod(f64(w).shape[1:]) * f64(b),
                                                         **k)),
            Mistake("conv2d_forward", "bias of the first channel", Message(
                "every output channel gets b[0]; output channel f gets its own bias b[f]."),
                lambda r, x, w, b, **k: r.conv2d_forward(x, w, np.full_like(f64(b), f64(b)[0]),
                                                         **k)),
            Mistake("conv2d_forward", "stride ignored", Message(
                "the stride is ignored: with stride s the window moves s pixels at a time, so "
                "output pixel (i, j) reads x[..., i*s : i*s+KH, j*s : j*s+KW]."),
                lambda r, x, w, b, stride=1, padding=0: r.conv2d_forward(
                    x, w, b, stride=1, padding=padding)),
            Mistake("conv2d_forward", "stride ignored", Message(
                "the stride is used for the output size but not when sliding the window: output "
                "pixel (i, j) reads x[..., i*s : i*s+KH, j*s : j*s+KW]."),
                _stride_not_used_in_window),
            Mistake("conv2d_forward", "padding ignored", Message(
                "the padding is ignored: pad the two spatial axes of x with zeros first, "
                "np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))."),
                lambda r, x, w, b, stride=1, padding=0: r.conv2d_forward(x, w, b, stride=stride)),
            Mistake("conv2d_forward", "stride and padding swapped", Message(
                "stride and padding are swapped: the signature is conv2d_forward(x, w, b, "
                "stride=1, padding=0)."),
                _swap_stride_padding),
            Mistake("conv2d_forward", "only the first channel", Message(
                "only the first input channel is used; sum over all C channels."),
                lambda r, x, w, b, **k: r.conv2d_forward(f64(x)[:, :1], f64(w)[:, :1], b, **k)),
            Mistake("conv2d_forward", "first sample for the whole batch", Message(
                "every sample of the batch got the output of the first one: loop over n and use "
                "x[n]."),
                lambda r, x, w, b, **k: np.repeat(r.conv2d_forward(f64(x)[:1], w, b, **k),
                                                  f64(x).shape[0], axis=0)),
            off_by_one("conv2d_forward", _LAYER, _LAYER_SIZE),
        ),
        demo=(DemoStudent("cy", "bias forgotten in conv2d_forward", '''
def conv2d_forward(x, w, b, stride=1, padding=0):
    # the bias never gets added
    return _first_try(x, w, np.zeros_like(np.asarray(b, dtype=float)), stride, padding)
'''),),
    ),
)
