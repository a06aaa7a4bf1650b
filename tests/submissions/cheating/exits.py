"""Cheat (or crash): leave the process instead of returning.

sys.exit is caught in the child; os._exit and the segfault end the child, which is restarted
for the remaining calls.

honest: corr1d, convolve1d
cheating: corr2d, corr3d, convolve2d
"""
import numpy as np

def corr1d(x, w):
    """Honest: valid 1-D cross-correlation, x (L,), w (K,) -> (L-K+1,)."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    n = x.shape[0] - w.shape[0] + 1
    return np.array([np.dot(x[i:i + w.shape[0]], w) for i in range(n)])

def convolve1d(x, w):
    """Honest: true convolution = correlation with the flipped kernel."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    n = x.shape[0] - w.shape[0] + 1
    return np.array([np.dot(x[i:i + w.shape[0]], w[::-1]) for i in range(n)])


import ctypes
import os
import sys


def corr2d(x, w):
    sys.exit(0)


def corr3d(x, w):
    os._exit(0)


def convolve2d(x, w):
    ctypes.string_at(0)  # segmentation fault
