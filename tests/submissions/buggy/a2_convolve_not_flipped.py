"""Buggy submission (test data, never shipped): convolve2d forgets to flip the kernel (it is corr2d).

assignment: a2_correlation
function: convolve2d
expect: the kernel is not flipped
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).


def convolve2d(x, w):
    return corr2d(x, w)
