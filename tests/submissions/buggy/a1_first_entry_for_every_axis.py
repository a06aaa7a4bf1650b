"""Buggy submission (test data, never shipped): a per-axis tuple's first entry is used for every axis.

assignment: a1_output_size
function: conv_output_shape
expect: its first entry held for every axis
"""

import numpy as np


def _check_int(value, name, minimum):
    """Return `value` as a Python int, or raise ValueError if it is not an integer >= minimum.

    bool is refused on purpose: `True` would silently mean 1.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(
            f"{name} must be an integer, got {value!r} of type {type(value).__name__}"
        )
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def conv_output_length(n, k, padding=0, stride=1, dilation=1):
    """Length of the output of a 1D convolution (or of one spatial axis of an N-D one).

    n: input length (>= 1), k: kernel length (>= 1), padding: zeros added at EACH end (>= 0),
    stride: step between kernel positions (>= 1), dilation: spacing of kernel taps (>= 1).
    Returns a Python int >= 1; raises ValueError if the (dilated) kernel does not fit.
    """
    n = _check_int(n, "n (input length)", 1)
    k = _check_int(k, "k (kernel length)", 1)
    p = _check_int(padding, "padding", 0)
    s = _check_int(stride, "stride", 1)
    d = _check_int(dilation, "dilation", 1)

    span = d * (k - 1) + 1  # input positions one placement of the dilated kernel covers
    out = (n + 2 * p - span) // s + 1  # integer floor division: no float rounding
    if out < 1:
        raise ValueError(
            f"the kernel does not fit: a kernel of length {k} with dilation {d} covers {span} "
            f"positions, but the padded input has only n + 2*padding = {n + 2 * p}"
        )
    return out


def _per_dim(value, name, ndim):
    """Expand an int to a tuple of `ndim` copies; check a tuple/list has exactly `ndim` entries."""
    if isinstance(value, (tuple, list, np.ndarray)):
        if len(value) != ndim:
            raise ValueError(
                f"{name} has {len(value)} entries but there are {ndim} spatial dimensions; "
                f"give one {name} per dimension or a single int"
            )
        return tuple(value)
    return (value,) * ndim


def conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1):
    if len(input_shape) != len(kernel_shape):
        raise ValueError("rank mismatch")
    first = lambda v: v[0] if isinstance(v, (tuple, list)) else v
    return tuple(conv_output_length(n, k, first(padding), first(stride), first(dilation))
                 for n, k in zip(input_shape, kernel_shape))
