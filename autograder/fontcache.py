"""A warm matplotlib font cache, built once per machine (per user), so sandboxes start fast.

matplotlib scans the system fonts the first time it is imported in a fresh config folder (about
0.3 s). The grader itself never imports matplotlib: one throwaway subprocess builds the font list
in a private folder, which sandboxes see read-only (isolation.SEEDS) and copy into their own
private config folder.

The folder is kept in the user's cache (`$XDG_CACHE_HOME/conv-autograder/`, else
`~/.cache/conv-autograder/`), named after what the font list depends on: the matplotlib install
and the system font folders (adding a font, e.g. a Korean one, gives a new name and a new list).
So only the first grader run on a machine pays the 0.3 s. Where no cache folder of ours can be
used (no writable home, or a folder someone else could write), the list is built per process in
TMPDIR and removed when the process ends, as before.
"""
from __future__ import annotations

import atexit
import functools
import hashlib
import importlib.util
import os
import shutil
import stat
import subprocess
import sys
import tempfile

from .cleanup import remove_tree

MPL_FOLDER = ".matplotlib"
SYSTEM_FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts")


def _cache_root() -> str | None:
    """Our folder in the user's cache, created private (0700); None when it cannot be made or
    is not ours alone (a font list that another user could write would reach every sandbox)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    root = os.path.join(base, "conv-autograder")
    try:
        os.makedirs(root, mode=0o700, exist_ok=True)
        info = os.lstat(root)
    except OSError:
        return None
    private = stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() \
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return root if private else None


def font_list_key() -> str | None:
    """A short name for what matplotlib's font list depends on, or None without matplotlib."""
    spec = importlib.util.find_spec("matplotlib")  # finds it without importing it (0.3 s)
    if spec is None or spec.origin is None:
        return None
    parts = [sys.executable, spec.origin, str(os.stat(spec.origin).st_mtime_ns)]
    for top in SYSTEM_FONT_FOLDERS:
        for folder, _, files in sorted(os.walk(top)):
            parts += sorted(f"{folder}/{name}" for name in files)
    return "matplotlib-" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _build_font_list(folder: str) -> bool:
    """Let a throwaway matplotlib write its font list into `folder` (and nothing else there)."""
    env = {"PATH": "/usr/bin:/bin", "MPLCONFIGDIR": folder, "MPLBACKEND": "Agg", "HOME": folder}
    try:
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120, check=True)
    except (OSError, subprocess.SubprocessError):
        return False
    names = os.listdir(folder)
    for name in names:
        if not name.startswith("fontlist"):
            remove_tree(os.path.join(folder, name))  # only the font list is wanted
    return any(name.startswith("fontlist") for name in names)


def _kept_font_list(root: str, key: str) -> str | None:
    """The font list kept in `root` under `key`, built now if missing (atomically: built in a
    private folder, then renamed, so a concurrent grader never sees half a list)."""
    final = os.path.join(root, key)
    if os.path.isdir(final):
        return final
    building = tempfile.mkdtemp(prefix=".building-", dir=root)
    try:
        if not _build_font_list(building):
            return None
        os.chmod(building, 0o755)  # sandboxes run as another uid and copy the list from here
        try:
            os.rename(building, final)
        except OSError:  # another grader finished first: use theirs
            pass
        return final if os.path.isdir(final) else None
    finally:
        remove_tree(building)


@functools.lru_cache(maxsize=1)
def warm_font_cache() -> str | None:
    """The folder holding matplotlib's font list (fontlist-*.json), or None if building it
    failed or matplotlib is not installed (sandboxes then build their own)."""
    key = font_list_key()
    if key is None:
        return None
    root = _cache_root()
    if root is not None:
        kept = _kept_font_list(root, key)
        if kept is not None:
            return kept
    folder = tempfile.mkdtemp(prefix="autograder-mplcache-")  # ours; `enter` copies it as its owner
    atexit.register(remove_tree, folder)
    return folder if _build_font_list(folder) else None


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
