"""Buggy submission (test data, never shipped): corr2d flips the kernel upside down (rows only).

assignment: a2_correlation
function: corr2d
expect: the kernel is flipped along axis 0 (rows) only
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def corr2d(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)[::-1]
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape)
    return np.einsum("ijpq,pq->ij", windows, w)
