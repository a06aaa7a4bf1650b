"""The Jupyter kernel that `nbgrader autograde` runs a submission in, locked in like the grader's child.

    c.Execute.kernel_manager_class = "autograder.kernel_sandbox.SandboxedKernelManager"

(nbgrader's Execute passes AsyncKernelManager as a keyword, which beats config: the course's
nbgrader integration puts this class back; nbclient's NotebookClient takes it as
`kernel_manager_class=`.)

The ipykernel runs under bubblewrap (isolation.py): PID namespace with bwrap as pid 1, so when the
kernel ends or is killed every process it started dies with it (a double-forked setsid daemon
too); the network unshared, so the ZMQ channels use transport="ipc" (unix sockets in a private
run folder bound into the sandbox at the same path; the one place it writes on the host, removed
when the kernel ends); an unprivileged uid of its own, or uid 0 of a user namespace, without any
capability (see isolation.py); memory/process/CPU rlimits. The course root, gradebook, solutions/, other
students' folders and the secret are not visible at all.

The kernel's working folder (autograded/<student>/<assignment>/ for nbgrader) is NOT writable:
inside, the same path is a private tmpfs, capped in size and file count (limits.disk_mb, files),
holding a copy of the folder's files. Whatever the kernel writes there (a huge file, a folder
tree thousands of levels deep, an extra notebook, a symlink to the gradebook) vanishes with the
sandbox, so nothing of it reaches autograded/, feedback/ or a later `autograde --force`.

Without usable bubblewrap it refuses (SandboxUnavailable) unless course.yml sets
grading.sandbox.allow_unprotected: true; then it prints one warning line per kernel.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Float, Integer, default

from . import fontcache, isolation
from .cleanup import remove_tree
from .sandbox import SandboxUnavailable, resolve_isolation

_ISOLATION_PY = str(Path(isolation.__file__).resolve())
_INSIDE = f"{isolation.RUNNER}/isolation.py"
_WORK_SEED = f"{isolation.SEEDS}/work"  # the working folder's files, read-only, copied in by enter()
_MPL_INSIDE = "/tmp/matplotlib"


def _course_settings():
    """(Limits, allow_unprotected, nbgrader cell timeout) from course.yml, defaults without one."""
    from .course import CourseError, Limits, load_course

    try:
        course = load_course()
    except CourseError:
        return Limits(), False, 120
    return course.grading.limits, course.grading.sandbox.allow_unprotected, course.nbgrader.timeout_s


class SandboxedKernelManager(AsyncKernelManager):
    """AsyncKernelManager whose kernel runs in the bubblewrap sandbox (see the module doc)."""

    _warned = False  # the stderr warning is printed once per process (_warn_once)

    memory_mb = Integer(None, allow_none=True, config=True,
                        help="Address-space limit of the kernel (default: course.yml limits.memory_mb, at least 1024).")
    processes = Integer(None, allow_none=True, config=True,
                        help="Processes + threads the kernel may run (default: course.yml limits.processes).")
    cpu_s = Float(None, allow_none=True, config=True,
                  help="CPU seconds for the whole kernel (default: 5 x nbgrader.timeout_s, at least 600).")
    allow_unprotected = Bool(None, allow_none=True, config=True,
                             help="Run without bubblewrap (default: course.yml grading.sandbox.allow_unprotected).")

    @default("cache_ports")
    def _no_port_cache(self) -> bool:
        return False

    # ---- set-up --------------------------------------------------------------------------

    def _settings(self):
        limits, allow, timeout_s = _course_settings()
        allow = allow if self.allow_unprotected is None else self.allow_unprotected
        # ipykernel + zmq threads + numpy/matplotlib need more address space than the grader child
        memory = self.memory_mb or max(int(limits.memory_mb), 1024)
        processes = self.processes or max(int(limits.processes), 32)
        cpu = self.cpu_s or max(600.0, 5.0 * timeout_s)
        return limits, memory, processes, cpu, allow

    async def _async_pre_start_kernel(self, **kw):
        limits, memory, processes, cpu, allow = self._settings()
        try:
            description, probe, drop = resolve_isolation(allow)
        except SandboxUnavailable as exc:
            raise SandboxUnavailable(f"nbgrader autograde: {exc}") from None
        if probe is None:
            self._warn_once(description)
        self._sb_probe = probe
        self._sb_uid = isolation.new_sandbox_uid()
        # a uid of its own: dropped to for real by root (privileged bwrap, or unprotected as root)
        self._sb_drop = probe.drops_privileges if probe is not None else drop
        self._remove_private_folders()  # a restart starts over, from the original folder
        self._sb_rundir = tempfile.mkdtemp(prefix="autograder-kernel-")
        os.chmod(self._sb_rundir, 0o700)
        if self._sb_drop:
            isolation.chown_for_sandbox(self._sb_rundir, self._sb_uid)
        self.transport = "ipc"
        self.ip = os.path.join(self._sb_rundir, "k")
        self.connection_file = os.path.join(self._sb_rundir, "kernel.json")
        if getattr(self, "_sb_origin", None) is None:  # the first start: nbgrader's folder
            self._sb_origin = os.path.abspath(kw.get("cwd") or os.getcwd())
        folder = self._sb_origin
        self._sb_setup = {"uid": self._sb_uid, "memory_mb": memory, "processes": processes,
                          "cpu_hard_s": cpu, "disk_mb": limits.disk_mb, "files": limits.files,
                          "drop": self._sb_drop}
        if probe is not None:
            self._sb_folder, self._sb_copy = folder, None
            kw["cwd"] = folder  # bwrap starts in /; enter() goes to the private copy at this path
        else:
            # unprotected: the kernel works in a throwaway copy, so the folder stays as it was
            self._sb_copy = tempfile.mkdtemp(prefix="autograder-work-")
            isolation.copy_into(folder, self._sb_copy, self._sb_uid if self._sb_drop else None,
                                int(limits.files))
            if self._sb_drop:
                isolation.chown_for_sandbox(self._sb_copy, self._sb_uid)
            self._sb_folder = kw["cwd"] = self._sb_copy
        self._sb_setup["cwd"] = self._sb_folder
        return await super()._async_pre_start_kernel(**kw)

    def _warn_once(self, description: str) -> None:
        if not getattr(SandboxedKernelManager, "_warned", False):
            SandboxedKernelManager._warned = True
            print(f"WARNING: nbgrader kernel {description}", file=sys.stderr)
        self.log.warning("kernel %s", description)

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        if getattr(self, "_sb_drop", False) and os.geteuid() == 0:
            os.chown(self.connection_file, self._sb_uid, self._sb_uid)

    def format_kernel_cmd(self, extra_arguments=None):
        """Our own ipykernel command (only Python kernels), wrapped in limits and the sandbox."""
        extra = list(extra_arguments or [])
        kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file, *extra]
        if self._sb_probe is None:
            return [sys.executable, "-I", "-S", _ISOLATION_PY, json.dumps(self._sb_setup), "--", *kernel]
        folder = self._sb_folder
        font_binds, font_seeds = fontcache.sandbox_seed(_MPL_INSIDE)
        ro = [(_ISOLATION_PY, _INSIDE), (folder, _WORK_SEED), *font_binds]
        seeds = [[_WORK_SEED, folder], *font_seeds]
        setup = dict(self._sb_setup, private=["/tmp", folder], seeds=seeds,
                     cover=[isolation.RUNNER], capabilities=True)
        prefix = isolation.bwrap_command(
            self._sb_probe,
            rw_binds=[(self._sb_rundir, self._sb_rundir)],
            ro_binds=ro,
            chdir="/",
            env=_kernel_env("/tmp"),
            protected=self._protected(),
            private=[folder],
        )
        return prefix + [sys.executable, "-I", "-S", _INSIDE, json.dumps(setup), "--", *kernel]

    def _protected(self) -> list[str]:
        """The course root must never be bound, even by accident (cwd is a folder inside it)."""
        from .course import CourseError, find_course_file

        try:
            return [str(find_course_file().parent)]
        except CourseError:
            return []

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # nothing of the grader's environment leaks, not even into bwrap (pid 1 inside); the
        # kernel's own variables come from --setenv
        if self._sb_probe is not None:
            kw["env"] = dict(isolation.BWRAP_ENV)
        else:
            kw["env"] = _kernel_env(self._sb_folder, os.path.join(self._sb_folder, fontcache.MPL_FOLDER))
            fontcache.seed_matplotlib_config(self._sb_folder, self._sb_uid if self._sb_drop else None)
        kw["stdin"] = None
        return await super()._async_launch_kernel(kernel_cmd, **kw)

    # ---- interrupts: by message (a signal to bwrap would kill the whole sandbox) ------------

    async def _async_interrupt_kernel(self) -> None:
        if self.has_kernel and self.kernel_spec is not None:
            self.kernel_spec.interrupt_mode = "message"
        await super()._async_interrupt_kernel()

    # ---- tear-down -------------------------------------------------------------------------

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:  # (a restart removes them in pre_start, when the old kernel is gone)
            self._remove_private_folders()

    def _remove_private_folders(self) -> None:
        """The run folder and (unprotected) the working copy, whatever the kernel left in them."""
        for name in ("_sb_rundir", "_sb_copy"):
            folder = getattr(self, name, None)
            if folder:
                problem = remove_tree(folder)  # iterative, never follows links, never raises
                if problem:
                    self.log.warning("kernel clean-up: %s", problem)
                setattr(self, name, None)

    # AsyncKernelManager binds its public names to the base class's functions: re-point them
    pre_start_kernel = _async_pre_start_kernel
    _launch_kernel = _async_launch_kernel
    interrupt_kernel = _async_interrupt_kernel
    cleanup_resources = _async_cleanup_resources


def _kernel_env(home: str, mplconfigdir: str = _MPL_INSIDE) -> dict[str, str]:
    # JPY_PARENT_PID=1: ipykernel skips its parent poller (our parent is bwrap, pid 1 inside)
    return dict(isolation.sandbox_env(home, mplconfigdir), JPY_PARENT_PID="1")
