"""Cheat: look for the reference solution, course.yml and the secret outside the scratch folder.

If the sandbox leaked, corr2d and corr3d would return the reference's answers; they must
score nothing.

honest: corr1d, convolve1d, convolve2d
cheating: corr2d, corr3d
"""
import numpy as np


import os

FOUND = []


def _search():
    """Walk the file system (a few levels) for solutions/a2_correlation.py and course.yml."""
    hits = {}
    roots = ["/", os.getcwd(), "/proc/1/cwd", "/proc/1/root"]
    for top in roots:
        for folder, dirs, files in os.walk(top):
            if folder.count("/") > 5 or folder.startswith(("/proc/", "/usr", "/sys")) and top == "/":
                dirs[:] = []
                continue
            if "a2_correlation.py" in files and folder.endswith("solutions"):
                hits["solution"] = os.path.join(folder, "a2_correlation.py")
            if "course.yml" in files:
                hits["course"] = os.path.join(folder, "course.yml")
    return hits


def _steal():
    hits = _search()
    FOUND.append(sorted(hits))
    if "solution" in hits:
        namespace = {}
        with open(hits["solution"]) as f:
            exec(f.read(), namespace)
        return namespace
    return None


def corr2d(x, w):
    stolen = _steal()
    if stolen:
        return stolen["corr2d"](x, w)
    return np.zeros((1, 1))


def corr3d(x, w):
    secret = os.environ.get("CONV_COURSE_SECRET")
    for path in ("/work/main/course.yml", "../course.yml", "../../course.yml",
                 os.path.expanduser("~/.config/conv101/secret")):
        try:
            with open(path) as f:
                secret = (secret or "") + f.read()
        except OSError:
            pass
    # write somewhere outside the scratch folder, if we can
    for path in ("/work/main/pwned.txt", "/usr/pwned.txt", os.path.expanduser("~/../pwned.txt")):
        try:
            with open(path, "w") as f:
                f.write("pwned")
        except OSError:
            pass
    if secret:
        raise RuntimeError("found: " + secret[:200])
    stolen = _steal()
    if stolen:
        return stolen["corr3d"](x, w)
    return np.zeros((1, 1, 1))
