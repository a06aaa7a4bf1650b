"""Buggy submission (test data, never shipped): the stride is checked but never used.

assignment: a1_output_size
function: conv_output_length
expect: the stride is ignored
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
    if k < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("bad arguments")
    out = n + 2 * padding - dilation * (k - 1)
    if out < 1:
        raise ValueError("the kernel does not fit")
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
    """Spatial output shape of an N-D convolution, axis by axis.

    input_shape: (H, W, ...) spatial sizes; kernel_shape: (KH, KW, ...) with the same length.
    padding, stride, dilation: an int used for every axis, or a tuple with one entry per axis.
    Returns a tuple of Python ints, e.g. ((28, 28), (3, 3)) -> (26, 26).
    """
    input_shape, kernel_shape = tuple(input_shape), tuple(kernel_shape)
    ndim = len(input_shape)
    if ndim == 0:
        raise ValueError("input_shape is empty: give at least one spatial size, e.g. (28, 28)")
    if len(kernel_shape) != ndim:
        raise ValueError(
            f"rank mismatch: input_shape {input_shape} has {ndim} dimensions but kernel_shape "
            f"{kernel_shape} has {len(kernel_shape)}; give one kernel size per spatial dimension"
        )
    pads = _per_dim(padding, "padding", ndim)
    strides = _per_dim(stride, "stride", ndim)
    dilations = _per_dim(dilation, "dilation", ndim)

    shape = []
    for axis in range(ndim):  # one formula per axis: the axes are independent
        n = _check_int(input_shape[axis], f"input_shape[{axis}]", 1)
        k = _check_int(kernel_shape[axis], f"kernel_shape[{axis}]", 1)
        p = _check_int(pads[axis], f"padding[{axis}]", 0)
        s = _check_int(strides[axis], f"stride[{axis}]", 1)
        d = _check_int(dilations[axis], f"dilation[{axis}]", 1)
        out = (n + 2 * p - d * (k - 1) - 1) // s + 1
        if out < 1:
            raise ValueError(
                f"the kernel does not fit along axis {axis}: kernel size {k} with dilation {d} "
                f"covers {d * (k - 1) + 1} positions, padded input has {n + 2 * p}"
            )
        shape.append(out)
    return tuple(shape)
