"""Buggy submission (test data, never shipped): convolve1d is np.correlate: no flip.

assignment: a2_correlation
function: convolve1d
expect: the kernel is not flipped
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def convolve1d(x, w):
    return np.correlate(np.asarray(x, dtype=float), np.asarray(w, dtype=float), mode="valid")
