"""Cheat: start a process that outlives the test (double fork + setsid).

Every process started here carries MARKER in its argv; none may be alive after grading.

honest: corr1d, corr2d, convolve1d
cheating: corr3d, convolve2d
"""
import numpy as np


import os
import signal
import subprocess
import sys

MARKER = "ag-cheat-daemon-7f3c"


def _daemonize(tag):
    """Double fork + setsid: the grandchild is re-parented and in its own session."""
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
            os.execv(sys.executable, [sys.executable, "-c",
                     "import signal, time\n"
                     "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                     "while True: time.sleep(1)", MARKER, tag])
        os._exit(0)
    os.waitpid(pid, 0)


def corr3d(x, w):
    _daemonize("corr3d")
    x, w = np.asarray(x), np.asarray(w)
    return np.zeros([s - k + 1 for s, k in zip(x.shape, w.shape)])


def convolve2d(x, w):
    subprocess.Popen(["sleep", "300", MARKER], start_new_session=True)
    _daemonize("convolve2d")
    return np.zeros((1, 1))
