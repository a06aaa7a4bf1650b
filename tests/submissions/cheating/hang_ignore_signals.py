"""Cheat: hang with every catchable signal ignored.

Each hanging function costs one time limit; its other calls are skipped.

honest: corr1d, corr2d, convolve1d
cheating: corr3d, convolve2d
"""
import numpy as np


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
