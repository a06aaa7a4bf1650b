"""Remove a folder that a student's process may have filled, whatever it holds.

`shutil.rmtree` recurses once per folder level (RecursionError on a tree a few thousand levels
deep, which one loop in a student's cell builds in a second), and paths longer than PATH_MAX
cannot even be named. `remove_tree` walks with an explicit stack of open folder descriptors
(`os.scandir(fd)`, `unlink(name, dir_fd=...)`), so depth costs memory, not stack frames, and
no path is ever longer than one name. It never follows a symlink (a link is removed as a link),
never raises, and gives up after `max_entries` entries (reporting what it left behind), so one
submission can neither crash nor stall the grading of a class.
"""
from __future__ import annotations

import os
import stat

MAX_ENTRIES = 2_000_000  # far above any honest folder; bounds the time a hostile one can cost

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def remove_tree(path: str | os.PathLike, max_entries: int = MAX_ENTRIES) -> str:
    """Delete `path` (a folder, a file or a link) and everything under it; "" when it is gone,
    else one line saying what could not be removed. Never raises, never follows links."""
    path = os.fspath(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return ""
    except OSError as error:
        return f"could not look at {path}: {error.strerror}"
    if not stat.S_ISDIR(mode):
        return _unlink(path)
    try:
        _empty_folder(path, max_entries)
        os.rmdir(path)
    except OSError as error:
        return f"could not remove all of {path}: {error.strerror or error}"
    except _TooMany:
        return f"gave up removing {path}: more than {max_entries} entries"
    return ""


class _TooMany(Exception):
    pass


def _unlink(path: str) -> str:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as error:
        return f"could not remove {path}: {error.strerror}"
    return ""


def _writable(fd: int) -> None:
    """A folder made read-only (chmod 0500) by its owner must become writable to be emptied."""
    try:
        os.fchmod(fd, 0o700)
    except OSError:
        pass


def _open_folder(name: str, parent: int) -> int | None:
    """Open the folder `name` inside `parent` without following a link; one its owner made
    unreadable (chmod 0) is made readable first. None if it cannot be opened."""
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=parent)
    except PermissionError:
        try:
            os.chmod(name, 0o700, dir_fd=parent)
            return os.open(name, _DIR_FLAGS, dir_fd=parent)  # O_NOFOLLOW: a swapped-in link fails
        except OSError:
            return None
    except OSError:
        return None


def _empty_folder(path: str, max_entries: int) -> None:
    """Everything under `path` removed, depth first, with a stack of (fd, name-in-parent)."""
    seen = 0
    top = os.open(path, _DIR_FLAGS)
    _writable(top)
    stack: list[tuple[int, str]] = [(top, "")]
    try:
        while stack:
            fd, _ = stack[-1]
            descended = False
            with os.scandir(fd) as entries:
                for entry in entries:
                    seen += 1
                    if seen > max_entries:
                        raise _TooMany()
                    if entry.is_dir(follow_symlinks=False):
                        child = _open_folder(entry.name, fd)
                        if child is None:
                            continue  # vanished, or replaced by a link meanwhile: rmdir below says
                        _writable(child)
                        stack.append((child, entry.name))
                        descended = True
                        break
                    try:
                        os.unlink(entry.name, dir_fd=fd)
                    except FileNotFoundError:
                        pass
            if descended:
                continue
            # this folder is empty now: close it and remove it from its parent
            fd, name = stack.pop()
            os.close(fd)
            if stack:
                os.rmdir(name, dir_fd=stack[-1][0])
    finally:
        for fd, _ in stack:
            try:
                os.close(fd)
            except OSError:
                pass
