"""The honest functions of the cheating corpus, written once.

Each cheating submission is this file followed by the cheat file (course_helpers.cheating_submission):
the cheat file redefines the functions it cheats on.
"""
import numpy as np

def corr1d(x, w):
    """Honest: valid 1-D cross-correlation, x (L,), w (K,) -> (L-K+1,)."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    n = x.shape[0] - w.shape[0] + 1
    return np.array([np.dot(x[i:i + w.shape[0]], w) for i in range(n)])


def corr2d(x, w):
    """Honest: valid 2-D cross-correlation, x (H, W), w (KH, KW) -> (H-KH+1, W-KW+1)."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    oh, ow = x.shape[0] - w.shape[0] + 1, x.shape[1] - w.shape[1] + 1
    y = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[i, j] = np.sum(x[i:i + w.shape[0], j:j + w.shape[1]] * w)
    return y


def corr3d(x, w):
    """Honest: valid 3-D cross-correlation, x (D, H, W), w (KD, KH, KW)."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    out = [s - k + 1 for s, k in zip(x.shape, w.shape)]
    y = np.zeros(out)
    for d in range(out[0]):
        for i in range(out[1]):
            for j in range(out[2]):
                y[d, i, j] = np.sum(x[d:d + w.shape[0], i:i + w.shape[1], j:j + w.shape[2]] * w)
    return y


def convolve1d(x, w):
    """Honest: true convolution = correlation with the flipped kernel."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    n = x.shape[0] - w.shape[0] + 1
    return np.array([np.dot(x[i:i + w.shape[0]], w[::-1]) for i in range(n)])


def convolve2d(x, w):
    """Honest: true 2-D convolution = 2-D correlation with the kernel flipped both ways."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)[::-1, ::-1]
    oh, ow = x.shape[0] - w.shape[0] + 1, x.shape[1] - w.shape[1] + 1
    return np.array([[np.sum(x[i:i + w.shape[0], j:j + w.shape[1]] * w) for j in range(ow)]
                     for i in range(oh)])
