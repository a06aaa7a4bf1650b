"""Buggy submission (test data, never shipped): conv_matrix builds one row per input pixel.

assignment: a5_conv_as_matmul
function: conv_matrix
expect: M is transposed
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def conv_matrix(w, input_shape):
    w = np.asarray(w, dtype=float)
    if w.ndim != 2:
        raise ValueError("w must be 2D")
    H, W = input_shape
    KH, KW = w.shape
    if KH > H or KW > W:
        raise ValueError("the kernel is larger than the input")
    OH, OW = H - KH + 1, W - KW + 1
    M = np.zeros((H * W, OH * OW))
    for i in range(OH):
        for j in range(OW):
            M[:, i * OW + j].reshape(H, W)[i:i + KH, j:j + KW] = w   # a column per output pixel
    return M
