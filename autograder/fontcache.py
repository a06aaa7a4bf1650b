"""A warm matplotlib font cache, built once per grader process, so sandboxes start fast.

matplotlib scans the system fonts the first time it is imported in a fresh config folder (about
0.3 s). The grader itself never imports matplotlib: one throwaway subprocess builds the font list
in a private folder, which sandboxes see read-only (isolation.SEEDS) and copy into their own
private config folder. The folder is removed when the grader process ends, so nothing is left in
TMPDIR.
"""
from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile

from .cleanup import remove_tree

MPL_FOLDER = ".matplotlib"


@functools.lru_cache(maxsize=1)
def warm_font_cache() -> str | None:
    """The folder holding matplotlib's font list (fontlist-*.json), or None if building it
    failed (sandboxes then build their own)."""
    folder = tempfile.mkdtemp(prefix="autograder-mplcache-")  # ours; `enter` copies it as its owner
    atexit.register(remove_tree, folder)
    env = {"PATH": "/usr/bin:/bin", "MPLCONFIGDIR": folder, "MPLBACKEND": "Agg", "HOME": folder}
    try:
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    names = os.listdir(folder)
    for name in names:
        if not name.startswith("fontlist"):
            remove_tree(os.path.join(folder, name))  # only the font list is wanted
    return folder if any(name.startswith("fontlist") for name in names) else None


def seed_matplotlib_config(parent: str, uid: int | None) -> str:
    """A matplotlib config folder inside `parent` holding a copy of the warm font list (for a
    sandbox without bubblewrap, whose scratch folder is on the host). Returns its path."""
    folder = os.path.join(parent, MPL_FOLDER)
    os.makedirs(folder, exist_ok=True)
    warm = warm_font_cache()
    if warm is not None:
        for name in os.listdir(warm):
            shutil.copyfile(os.path.join(warm, name), os.path.join(folder, name))
    if uid is not None and os.geteuid() == 0:
        for path in [folder, *(os.path.join(folder, n) for n in os.listdir(folder))]:
            os.chown(path, uid, uid)
    return folder


def sandbox_seed(dest: str) -> tuple[list[tuple[str, str]], list[list[str]]]:
    """(read-only binds, isolation.enter seeds) that put a copy of the warm font list at `dest`
    inside a bubblewrap sandbox; nothing when the cache could not be built."""
    from .isolation import SEEDS

    warm = warm_font_cache()
    if warm is None:
        return [], []
    return [(warm, f"{SEEDS}/mpl")], [[f"{SEEDS}/mpl", dest]]
