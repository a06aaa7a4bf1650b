"""How a student's process is locked in: the bubblewrap command line, private capped folders,
rlimits, a throwaway uid, no capabilities.

Shared by the grader's child (sandbox.py + _child.py) and the nbgrader kernel (kernel_sandbox.py).
This file is standard library only: it is also bind-mounted into the sandbox and loaded there by
_child.py, and run there as a script to start the Jupyter kernel:

    python -I isolation.py '<setup json>' -- python -m ipykernel_launcher -f conn.json

(`enter(setup)`, below, then execs the command).

Two ways bubblewrap can run, chosen once per process by `probe()`:
- "privileged" (the grader runs as root): bwrap makes mount/pid/net/ipc/uts namespaces without a
  user namespace; the sandboxed process then drops for real to a throwaway uid/gid picked at
  random for this sandbox (`new_sandbox_uid`). That is what makes RLIMIT_NPROC count (the kernel
  never applies it to uid 0, and in a user namespace created by root the student would still be
  uid 0 outside), and a uid of its own means concurrent sandboxes do not share one process
  budget (with a common uid such as 65534, one fork bomb would starve every other sandbox).
- "userns" (a normal user): bwrap adds a user namespace and maps the user to uid 0 inside, which
  is only needed to set up the private folders below; every capability is then dropped for good
  (capset, with bwrap's no_new_privs), so the student's code is an ordinary uid without any power.

Inside, before the first line of student code (`enter`, shared by the child and the kernel): the
writable places are tmpfs mounts private to this sandbox, capped in size AND in number of files
(limits.disk_mb, limits.files: `enter` remounts them with size and nr_inodes, which bwrap cannot
set), the seed files are copied in (a warm matplotlib cache, the kernel's working folder),
the runner's own files under /grader are covered by an empty mount, and only then are rlimits set
and privileges dropped. Nothing the sandbox writes lands on the host (the one exception: the
kernel's run folder of ZMQ sockets, shared with nbgrader and removed when the kernel ends).
Without bubblewrap (or when namespaces are refused) the caller decides: refuse, or run
"UNPROTECTED" with rlimits, a new session and (as root) a throwaway uid only.
"""
from __future__ import annotations

import errno
import functools
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
from collections.abc import Sequence

NOBODY = 65534  # the sandbox uid when the grader is not root and runs without bubblewrap
UID_BASE, UID_SPAN = 1_600_000_000, 100_000_000  # throwaway uids for root-run sandboxes
INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`)"
SCRATCH_FILE_MB = 64  # biggest file the student may write (RLIMIT_FSIZE); pipes are not affected
RUNNER = "/grader"  # the runner's files inside the sandbox; covered before student code runs
SEEDS = "/grader/seed"  # read-only copies of what `enter` copies into the private folders
# The whole environment bwrap itself starts with: in a user namespace it is pid 1 inside, and its
# /proc/1/environ is readable there, so it must hold nothing of the grader's (the secret).
BWRAP_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


# ---------------------------------------------------------------------------------------------
# inside the sandbox: private folders, rlimits, privileges, capabilities, environment


def apply_rlimits(memory_mb: float, processes: int, cpu_hard_s: float | None = None,
                  file_mb: float = SCRATCH_FILE_MB) -> None:
    """Set the limits of the calling process (inherited by everything it starts).

    memory_mb: RLIMIT_AS (address space). processes: RLIMIT_NPROC (processes + threads of the uid;
    set from inside the namespaces so it counts the sandbox, not the user's desktop). cpu_hard_s:
    hard RLIMIT_CPU (the per-call soft limit is moved by the child runner). No core files.
    """
    def setlim(which, value):
        value = int(value)
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            # A lower existing hard limit wins; never raise it.
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY and hard < value:
                resource.setrlimit(which, (hard, hard))

    setlim(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    setlim(resource.RLIMIT_NPROC, processes)
    setlim(resource.RLIMIT_FSIZE, file_mb * 1024 * 1024)
    setlim(resource.RLIMIT_CORE, 0)
    if cpu_hard_s is not None:
        setlim(resource.RLIMIT_CPU, max(1, int(cpu_hard_s) + 1))


def new_sandbox_uid() -> int:
    """The uid a new sandbox runs as: a random throwaway uid when we are root, else 65534."""
    if os.geteuid() != 0:
        return NOBODY
    import random

    return random.SystemRandom().randrange(UID_BASE, UID_BASE + UID_SPAN)


def drop_privileges(uid: int = NOBODY) -> None:
    """Become uid/gid `uid` with no supplementary groups if we are root; verify it stuck.

    Going from uid 0 to non-zero uids clears every capability (permitted, effective, ambient),
    and bubblewrap set no_new_privs, so nothing can climb back up.
    """
    if os.geteuid() != 0 and os.getuid() != 0:
        return
    os.setgroups([])
    if uid == 0:
        raise SystemExit("isolation: refusing to run student code as uid 0")
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid,) * 3 or os.getresgid() != (uid,) * 3 or os.getgroups():
        raise SystemExit(f"isolation: could not drop privileges to uid {uid}")


_MS_NOSUID, _MS_NODEV, _MS_REMOUNT = 2, 4, 32


@functools.lru_cache(maxsize=1)
def _libc():
    """The C library (found once: find_library runs `ldconfig -p`, and `enter` mounts 3 times)."""
    import ctypes
    import ctypes.util

    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _mount(source: str, target: str, fstype: str, flags: int, options: str) -> None:
    import ctypes

    if _libc().mount(source.encode(), target.encode(), fstype.encode(), flags, options.encode()):
        err = ctypes.get_errno()
        raise OSError(err, f"mount {fstype} on {target}: {os.strerror(err)}")


def cap_tmpfs(path: str, size_mb: float, files: int) -> None:
    """Remount bwrap's tmpfs at `path` with a size AND a file-count cap (bwrap sets only the size).
    A remount keeps the same file system, so what is bound below `path` stays where it is."""
    _mount("tmpfs", path, "tmpfs", _MS_REMOUNT | _MS_NOSUID | _MS_NODEV,
           f"size={max(1, int(size_mb))}m,nr_inodes={max(16, int(files))}")


def cover(path: str) -> None:
    """An empty read-only tmpfs over `path`: the files under it can no longer be read."""
    _mount("tmpfs", path, "tmpfs", _MS_NOSUID | _MS_NODEV | 1, "size=4k,nr_inodes=4,mode=0555")


def drop_capabilities() -> None:
    """Clear every capability (permitted, effective, inheritable; ambient follows permitted) and
    check it stuck. bwrap set no_new_privs, so no exec can bring one back, not even for uid 0."""
    import ctypes

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3, all zero
    if _libc().capset(ctypes.byref(header), data):
        raise SystemExit(f"isolation: capset failed: {os.strerror(ctypes.get_errno())}")
    with open("/proc/self/status") as status:
        caps = dict(line.split(":\t", 1) for line in status if line.startswith(("Cap", "NoNewPrivs")))
    left = {k: v.strip() for k, v in caps.items() if k in ("CapPrm", "CapEff", "CapAmb", "CapInh")}
    if any(int(v, 16) for v in left.values()) or caps.get("NoNewPrivs", "0").strip() != "1":
        raise SystemExit(f"isolation: capabilities still held after dropping them: {caps}")


def copy_into(source: str, dest: str, owner: int | None, max_files: int) -> None:
    """Copy the regular files and folders under `source` into `dest` (links, devices and FIFOs
    are skipped; a full file system or `max_files` files end the copy quietly: what fits is
    what the student's code sees). Iterative, so a deep tree cannot crash the set-up."""
    stack, copied = [(source, dest)], 0
    while stack:
        src, dst = stack.pop()
        try:
            entries = list(os.scandir(src))
        except OSError:
            continue
        for entry in entries:
            copied += 1
            if copied > max_files:
                return
            target = os.path.join(dst, entry.name)
            try:
                if entry.is_dir(follow_symlinks=False):
                    os.mkdir(target, 0o755)
                    stack.append((entry.path, target))
                elif entry.is_file(follow_symlinks=False):
                    shutil.copyfile(entry.path, target, follow_symlinks=False)
                else:
                    continue
                if owner is not None:
                    os.lchown(target, owner, owner)
            except OSError as error:
                if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                    return  # no space or no more inodes: the rest does not fit
                continue  # an unreadable file: skip it, copy the others


def enter(setup: dict) -> None:
    """Everything between bwrap and the student's first line, in this order (module doc):
    cap the private folders, copy the seeds in, cover the runner's files, set the rlimits, drop
    to the sandbox uid, drop every capability, go to the working folder.

    setup: {"private": [path, ...], "disk_mb", "files", "seeds": [[from, to], ...],
            "cover": [path, ...], "memory_mb", "processes", "cpu_hard_s", "drop", "uid",
            "capabilities": bool (bwrap gave us some that must go), "cwd"}
    """
    uid = int(setup.get("uid", NOBODY))
    drop = bool(setup.get("drop", True))
    owner = uid if drop and os.geteuid() == 0 else None
    private = setup.get("private", [])
    files = int(setup["files"]) if private or setup.get("seeds") else 0
    for path in private:
        cap_tmpfs(path, setup["disk_mb"], files)
    for source, dest in setup.get("seeds", []):  # still as root: the folders are root's 0700
        os.makedirs(dest, exist_ok=True)
        copy_into(source, dest, owner, files // 2)
        if owner is not None:
            os.chown(dest, owner, owner)
    if owner is not None:
        for path in private:
            os.chown(path, owner, owner)
    for path in setup.get("cover", []):
        cover(path)
    apply_rlimits(setup["memory_mb"], setup["processes"], setup.get("cpu_hard_s"))
    if drop:
        drop_privileges(uid)
    if setup.get("capabilities"):
        drop_capabilities()
    if setup.get("cwd"):
        os.chdir(setup["cwd"])  # after the drop: bwrap's root has no DAC override


def sandbox_env(home: str, mplconfigdir: str = "/tmp/matplotlib") -> dict[str, str]:
    """The whole environment of a sandboxed process (nothing of the grader's leaks, e.g. the secret)."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONNOUSERSITE": "1",
        # one thread per BLAS: fast start, no thread storms, stays inside RLIMIT_NPROC
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "VECLIB_MAXIMUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": mplconfigdir,
        "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter-runtime",
        "JUPYTER_PLATFORM_DIRS": "1",
    }


# ---------------------------------------------------------------------------------------------
# outside: what bubblewrap can do here (probed once), and its command line


class Probe:
    """Result of probing bubblewrap once: mode is "privileged", "userns" or None (unusable)."""

    def __init__(self, mode: str | None, bwrap: str | None, reason: str):
        self.mode, self.bwrap, self.reason = mode, bwrap, reason

    @property
    def usable(self) -> bool:
        return self.mode is not None

    @property
    def drops_privileges(self) -> bool:
        """Root without a user namespace: the sandbox drops to a throwaway uid for real."""
        return self.mode == "privileged"

    def describe(self) -> str:
        """One line for reports: what protects the student's process."""
        if self.mode == "privileged":
            return ("bubblewrap (mount/pid/net/ipc/uts namespaces; a throwaway unprivileged uid; "
                    "only private capped folders writable; course folder not visible)")
        if self.mode == "userns":
            extra = "" if os.geteuid() != 0 else "; process limit not enforced (uid 0 outside)"
            return ("bubblewrap (user/mount/pid/net/ipc/uts namespaces; no capability inside; "
                    "only private capped folders writable; course folder not visible"
                    f"{extra})")
        return unprotected_description(False, self.reason)


def others_can_read(path: str) -> bool:
    """Can an unprivileged "other" uid reach and read `path`? Checks every folder on the way."""
    path = os.path.realpath(path)
    try:
        if not os.stat(path).st_mode & 0o004:
            return False
        parent = path if os.path.isdir(path) else os.path.dirname(path)
        while True:
            if not os.stat(parent).st_mode & 0o001:
                return False
            if parent == "/":
                return True
            parent = os.path.dirname(parent)
    except OSError:
        return False


def unprotected_drops_privileges(needed: list[str]) -> bool:
    """Without bwrap, running as root: drop privileges only if the uid can still read what it needs."""
    return os.geteuid() == 0 and all(others_can_read(p) for p in needed)


def unprotected_description(drops: bool, reason: str = "") -> str:
    if drops:
        who = "it runs as a throwaway unprivileged uid"
    elif os.geteuid() == 0:
        who = "it runs as root (an unprivileged uid cannot read the Python install)"
    else:
        who = f"it runs as your own user (uid {os.geteuid()})"
    why = f" ({reason})" if reason else ""
    return ("UNPROTECTED: no bubblewrap sandbox" + why + ", so the student's code can read the "
            "course folder (solutions/, gradebook, secret file) and use the network, and a process "
            "that calls setsid can outlive the test; only rlimits and a process group apply, and "
            f"{who}. To fix: {INSTALL_HINT}")


def _system_binds() -> list[str]:
    """bwrap arguments for the system part of the file system: /usr, /lib*, /bin, a little /etc."""
    args = ["--ro-bind", "/usr", "/usr"]
    for top in SYSTEM_TOPS[1:]:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/fonts",
                "/etc/alternatives", "/etc/ssl/certs"):
        if os.path.exists(etc):
            args += ["--ro-bind", etc, etc]
    return args


def python_roots() -> list[str]:
    """Folders the interpreter needs: the venv (sys.prefix) and the base install, with the real
    paths of symlinked ones. Only these, never their parents (the venv may sit in the course)."""
    roots: list[str] = []
    candidates = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                  os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))]
    for path in candidates:
        for p in (os.path.abspath(path), os.path.realpath(path)):
            if p not in roots and p not in ("/usr", "/"):
                roots.append(p)
    return roots


def check_binds_hide(roots: list[str], protected: list[str]) -> None:
    """Refuse when a bound folder would show a protected one (the course root, solutions/)."""
    for root in roots:
        for prot in protected:
            prot = os.path.realpath(prot)
            if prot == root or prot.startswith(root.rstrip("/") + "/"):
                raise RuntimeError(
                    f"the Python install {root} contains the protected folder {prot}; the sandbox "
                    "would make it visible. Use a virtualenv that lives inside the course folder "
                    "or outside it, not one that contains it."
                )


def bwrap_command(probe: Probe, *, rw_binds: list[tuple[str, str]], ro_binds: list[tuple[str, str]],
                  chdir: str, env: dict[str, str], protected: Sequence[str] = (),
                  private: Sequence[str] = ()) -> list[str]:
    """The bwrap prefix (ending in "--") that runs a command in the sandbox.

    rw_binds/ro_binds: (host path, path inside). Everything not listed is invisible, except /usr,
    /lib*, /bin, a few /etc files and the Python install (read-only; an installed copy of the
    grader itself is covered). /tmp and each `private` path are empty tmpfs mounts that live and
    die with the sandbox; `enter` caps their size and number of files inside (bwrap's own --size
    is newer than many distributions' bubblewrap).
    """
    roots = python_roots()
    check_binds_hide(roots + [host for host, _ in ro_binds + rw_binds], list(protected))
    shown = [r for r in roots if os.path.isdir(r)] + [inside for _, inside in ro_binds + rw_binds]
    for path in private:
        hidden = [d for d in shown if d == path or d.startswith(path.rstrip("/") + "/")]
        if hidden:
            raise RuntimeError(f"the private folder {path} would hide {hidden[0]} in the sandbox")
    args = [probe.bwrap or "bwrap"]
    # CAP_SYS_ADMIN only for `enter` to cap the tmpfs mounts; it drops every capability after
    if probe.mode == "userns":
        # uid 0 in the new user namespace is what may remount; it keeps no capability (enter)
        args += ["--unshare-all", "--uid", "0", "--gid", "0", "--cap-add", "CAP_SYS_ADMIN"]
    else:
        # no user namespace: we are root and drop to the sandbox uid for real inside (module doc)
        args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                 "--unshare-cgroup-try", "--cap-drop", "ALL", "--cap-add", "CAP_SYS_ADMIN",
                 "--cap-add", "CAP_CHOWN", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    args += ["--die-with-parent", "--new-session", "--hostname", "sandbox", "--clearenv"]
    args += _system_binds()
    # private /tmp, writable by the sandbox user (sticky, like a real /tmp); before the mount
    # points below, some of which may live under /tmp
    args += ["--perms", "1777", "--tmpfs", "/tmp", "--dev", "/dev", "--proc", "/proc"]
    # bwrap would create the parents of mount points as 0700 root: unusable after the drop
    dests = shown + list(private)
    parents = sorted({p for d in dests for p in _ancestors(d)} - {"/tmp"},
                     key=lambda p: (p.count("/"), p))
    for parent in parents:
        args += ["--perms", "0755", "--dir", parent]
    for root in roots:
        if os.path.isdir(root):
            args += ["--ro-bind", root, root]
    for package in installed_grader(roots):
        # a normal (non-editable) install puts the grader beside numpy: it must not be importable
        args += ["--perms", "0555", "--tmpfs", package]
    for path in private:
        args += ["--perms", "0700", "--tmpfs", path]
    for host, inside in ro_binds:
        args += ["--ro-bind", host, inside]
    for host, inside in rw_binds:
        args += ["--bind", host, inside]
    for key, value in env.items():
        args += ["--setenv", key, value]
    args += ["--chdir", chdir, "--"]
    return args


SYSTEM_TOPS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")  # shown read-only


def grader_package() -> str:
    """The folder of this package (the grader), as installed or checked out."""
    return os.path.dirname(os.path.realpath(__file__))


def installed_grader(roots: list[str]) -> list[str]:
    """This package's folder when it lies inside something the sandbox shows (a Python install,
    or /usr for a system-wide install): it must be covered there."""
    package = grader_package()
    shown = list(roots) + list(SYSTEM_TOPS)
    return [package] if any(package.startswith(r.rstrip("/") + "/") for r in shown) else []


def _ancestors(path: str) -> list[str]:
    """'/a/b/c' -> ['/a', '/a/b'] (not '/', not the path itself)."""
    parts = path.strip("/").split("/")[:-1]
    return ["/" + "/".join(parts[:i + 1]) for i in range(len(parts))]


_early_probe: threading.Thread | None = None


def probe_early() -> None:
    """Start probe() in a background thread: it waits about 0.1 s on a trial sandbox, time the
    command line spends importing and reading the course meanwhile. wait_for_early_probe()
    joins it; probe() then answers from its cache."""
    global _early_probe
    if _early_probe is None and probe.cache_info().currsize == 0:
        _early_probe = threading.Thread(target=probe, name="sandbox-probe", daemon=True)
        _early_probe.start()


def wait_for_early_probe() -> None:
    if _early_probe is not None:
        _early_probe.join()


def bwrap_modes() -> list[str]:
    """The ways bubblewrap may isolate for this user, the one to try first first: as root a
    privileged sandbox, else (and as root's fallback) a user namespace."""
    return ["privileged", "userns"] if os.geteuid() == 0 else ["userns"]


@functools.lru_cache(maxsize=1)
def probe() -> Probe:
    """Can bubblewrap isolate here? Tried once per process (cached): a real sandbox, entered the
    whole way (`enter`: capped folders, cover, drop), that runs a Python doing nothing."""
    if os.environ.get("AUTOGRADER_NO_BWRAP"):
        return Probe(None, None, "bubblewrap was switched off (AUTOGRADER_NO_BWRAP is set)")
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return Probe(None, None, f"bubblewrap (bwrap) is not installed; {INSTALL_HINT}")
    modes = bwrap_modes()
    errors = []
    here = os.path.realpath(__file__)
    setup = {"private": ["/tmp", "/scratch"], "disk_mb": 1, "files": 64, "cover": [RUNNER],
             "memory_mb": 1024, "processes": 32, "uid": new_sandbox_uid(), "capabilities": True,
             "cwd": "/scratch"}
    for mode in modes:
        trial = Probe(mode, bwrap, "")
        try:
            # the whole way in, as a sandbox goes: caps, cover, drop, then a Python that runs
            cmd = bwrap_command(trial, rw_binds=[], ro_binds=[(here, f"{RUNNER}/isolation.py")],
                                chdir="/", env=BWRAP_ENV, private=["/scratch"])
            run = [sys.executable, "-I", "-S", f"{RUNNER}/isolation.py",
                   json.dumps(dict(setup, drop=trial.drops_privileges)), "--",
                   sys.executable, "-I", "-S", "-c", "pass"]
            proc = subprocess.run(cmd + run, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=30, env=BWRAP_ENV)
        except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
            errors.append(f"{mode}: {exc}")
            continue
        if proc.returncode == 0:
            return trial
        errors.append(f"{mode}: {proc.stderr.decode(errors='replace').strip() or proc.returncode}")
    return Probe(None, bwrap, "bubblewrap is installed but cannot create namespaces here ("
                 + "; ".join(errors) + "). Allow unprivileged user namespaces "
                 "(sysctl kernel.unprivileged_userns_clone=1) or run the grader as root")


def chown_for_sandbox(path: str, uid: int) -> None:
    """Make a folder we created writable by the sandbox user (when we are root)."""
    if os.geteuid() == 0:
        os.chown(path, uid, uid)


# ---------------------------------------------------------------------------------------------
# script mode: enter the sandbox, then exec (used to start the Jupyter kernel)


def _main(argv: list[str]) -> None:
    """`isolation.py '<setup json, see enter()>' -- cmd ...`: enter the sandbox, then exec."""
    if len(argv) < 3 or argv[1] != "--":
        raise SystemExit("usage: isolation.py '<setup json>' -- command ...")
    enter(json.loads(argv[0]))
    os.execv(argv[2], argv[2:])


if __name__ == "__main__":
    _main(sys.argv[1:])
