"""Buggy submission (test data, never shipped): corr2d_multi_in adds up the wrong axis of the per-channel maps.

assignment: a3_multichannel
function: corr2d_multi_in
expect: the sum runs over axis 1 (rows)
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def corr2d_multi_in(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape[1:], axis=(1, 2))
    maps = np.einsum("cijpq,cpq->cij", windows, w)  # (C, OH, OW): one map per channel
    return maps.sum(axis=1)  # meant axis=0
