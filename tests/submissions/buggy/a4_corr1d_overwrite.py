"""Buggy submission (test data, never shipped): corr1d_backward assigns with = where it must accumulate with +=.

assignment: a4_backprop
function: corr1d_backward
expect: overwritten with = instead of
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def corr1d_backward(x, w, dy):
    x, w, dy = (np.asarray(a, dtype=float) for a in (x, w, dy))
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    for i in range(len(dy)):
        for p in range(len(w)):
            dx[i + p] = w[p] * dy[i]
            dw[p] = x[i + p] * dy[i]
    return dx, dw
