"""Buggy submission (test data, never shipped): corr2d_multi_in_out overwrites the channel sum with = instead of +=.

assignment: a3_multichannel
function: corr2d_multi_in_out
expect: only the last input channel counts
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def corr2d_multi_in_out(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    F, C, KH, KW = w.shape
    OH, OW = x.shape[1] - KH + 1, x.shape[2] - KW + 1
    y = np.zeros((F, OH, OW))
    for f in range(F):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    y[f, i, j] = np.sum(x[c, i:i + KH, j:j + KW] * w[f, c])
    return y
