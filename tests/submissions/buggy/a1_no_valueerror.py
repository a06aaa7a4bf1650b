"""Buggy submission (test data, never shipped): the formula is right but invalid input is never refused.

assignment: a1_output_size
function: conv_output_length
expect: invalid input is not refused
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).


def conv_output_length(n, k, padding=0, stride=1, dilation=1):
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1
