"""Buggy submission (test data, never shipped): a per-axis tuple's first entry is used for every axis.

assignment: a1_output_size
function: conv_output_shape
expect: its first entry held for every axis
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).


def conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1):
    if len(input_shape) != len(kernel_shape):
        raise ValueError("rank mismatch")
    first = lambda v: v[0] if isinstance(v, (tuple, list)) else v
    return tuple(conv_output_length(n, k, first(padding), first(stride), first(dilation))
                 for n, k in zip(input_shape, kernel_shape))
