"""Buggy submission (test data, never shipped): zip() over the two shapes hides a rank mismatch.

assignment: a1_output_size
function: conv_output_shape
expect: different lengths but no ValueError was raised
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).


def conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1):
    ndim = min(len(input_shape), len(kernel_shape))
    pads = padding if isinstance(padding, (tuple, list)) else (padding,) * ndim
    strides = stride if isinstance(stride, (tuple, list)) else (stride,) * ndim
    dils = dilation if isinstance(dilation, (tuple, list)) else (dilation,) * ndim
    return tuple(conv_output_length(n, k, p, s, d)
                 for n, k, p, s, d in zip(input_shape, kernel_shape, pads, strides, dils))
