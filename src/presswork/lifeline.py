"""Worker processes that end with the process that forked them, however it ends (`kill -9`
included), so that a killed build leaves no layout worker running on.

A worker watches a pipe whose write end only the parent keeps: the kernel closes it when the parent
dies, and the worker's read returns. This works wherever `fork` does (Linux, macOS). On Linux the
worker also asks for SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG), which needs no
thread of its own to run; that signal comes when the *thread* that forked the worker ends, so the
parent must fork its workers from a thread that lives as long as they do."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def jobs_default() -> int:
    """The number of cores this process may use: how many workers a pool gets unless told."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Lifeline:
    """Made in the parent before it forks its workers; each forked worker calls `hold` first."""

    def __init__(self) -> None:
        self.parent = os.getpid()
        self._read, self._write = os.pipe()

    def hold(self) -> None:
        """In a forked worker: end this process when the parent ends. The worker's copy of the
        write end is closed first, or the pipe would never report the parent gone."""
        os.close(self._write)
        _kill_me_when_parent_dies()
        if os.getppid() != self.parent:  # the parent died before the signal was asked for
            os._exit(1)
        threading.Thread(target=_exit_at_end_of_file, args=(self._read,), name="presswork-lifeline", daemon=True).start()

    def close(self) -> None:
        """In the parent, once its workers are done: no descriptor left behind."""
        os.close(self._read)
        os.close(self._write)


def _exit_at_end_of_file(fd: int) -> None:
    """Block until the parent, the last holder of the write end, is gone; then end at once."""
    try:
        os.read(fd, 1)  # the parent never writes: this returns only at end of file
    except OSError:
        return  # cannot watch (the descriptor is gone): the parent-death signal, where there is one, still holds
    os._exit(1)


def _kill_me_when_parent_dies() -> None:
    """SIGKILL for this process when its parent's forking thread ends (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(ctypes.c_int(_PR_SET_PDEATHSIG), ctypes.c_ulong(signal.SIGKILL), ctypes.c_ulong(0),
                   ctypes.c_ulong(0), ctypes.c_ulong(0))  # fmt: skip
    except (OSError, AttributeError):  # no libc to call (a static or unusual build): the pipe still holds
        pass
