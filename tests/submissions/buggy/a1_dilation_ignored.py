"""Buggy submission (test data, never shipped): the dilation is checked but never used.

assignment: a1_output_size
function: conv_output_length
expect: the dilation is ignored
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).


def conv_output_length(n, k, padding=0, stride=1, dilation=1):
    if k < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("bad arguments")
    out = (n + 2 * padding - k) // stride + 1
    if out < 1:
        raise ValueError("the kernel does not fit")
    return out
