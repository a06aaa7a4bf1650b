"""Cheat: hang with every catchable signal ignored.

Each hanging function costs one time limit; its other calls are skipped.

honest: corr1d, corr2d, convolve1d
cheating: corr3d, convolve2d
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

def convolve1d(x, w):
    """Honest: true convolution = correlation with the flipped kernel."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    n = x.shape[0] - w.shape[0] + 1
    return np.array([np.dot(x[i:i + w.shape[0]], w[::-1]) for i in range(n)])


import signal
import time


def _ignore_signals():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM, signal.SIGXCPU, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)


def corr3d(x, w):
    _ignore_signals()
    while True:
        pass


def convolve2d(x, w):
    _ignore_signals()
    while True:
        time.sleep(0.01)
