"""Buggy submission (test data, never shipped): corr2d loops over range(H - KH) and range(W - KW): one row and one column short.

assignment: a2_correlation
function: corr2d
expect: the output is one row and one column short
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def corr2d(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    KH, KW = w.shape
    OH, OW = x.shape[0] - KH, x.shape[1] - KW
    y = np.zeros((OH, OW))
    for i in range(OH):
        for j in range(OW):
            y[i, j] = np.sum(x[i:i + KH, j:j + KW] * w)
    return y
