"""Buggy submission (test data, never shipped): corr1d uses np.convolve, which flips the kernel.

assignment: a2_correlation
function: corr1d
expect: the kernel is flipped
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def corr1d(x, w):
    return np.convolve(np.asarray(x, dtype=float), np.asarray(w, dtype=float), mode="valid")
