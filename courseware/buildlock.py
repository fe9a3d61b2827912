"""One build at a time per course output folder: a second one says at once which process holds
the course, or waits for it. Local state lives in `output/<course>/.courseware/` (git-ignored)."""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from courseware.errors import CoursewareError

STATE = ".courseware"


class CourseBusy(CoursewareError):
    """Another courseware process is building or rendering the same course folder."""


@contextmanager
def course_lock(folder: Path, wait: bool = False, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the exclusive lock of the course folder `folder` (output/<course>) while the block runs."""
    state = folder / STATE
    # Folders made only to hold the lock go again afterwards, so that a build refused for bad
    # input leaves nothing behind.
    made = [f for f in (state, folder, folder.parent) if not f.exists()]
    lock = FileLock(state / "build.lock", thread_local=False)
    owner = state / "build.owner.json"
    try:
        state.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=0)
    except Timeout:
        holder = _holder(owner)
        if not wait:
            raise CourseBusy(f"{folder}: {holder} is building this course; wait for it to finish, or rerun with --wait") from None
        if on_wait is not None:
            on_wait(f"{folder}: waiting for {holder} to finish")
        lock.acquire()
    except OSError as exc:
        if exc.errno == errno.EROFS:  # nobody can write there: there is nothing to guard, a render that changes nothing still works
            yield
            return
        raise CoursewareError(f"{exc.filename or state}: cannot write ({exc.strerror or exc}); check the folder's permissions and free space") from None
    try:
        _write_owner(owner)
        yield
    finally:
        owner.unlink(missing_ok=True)
        lock.release()
        # The lock file goes too, so the folder holds only what builds write. Safe: a build waiting
        # on the unlinked file sees it is gone once it gets it, and takes a new one.
        (state / "build.lock").unlink(missing_ok=True)
        for empty in made:
            try:
                empty.rmdir()
            except OSError:
                break  # not empty: the build wrote something there


def _write_owner(path: Path) -> None:
    """Who holds the lock, for the message a second build prints (written after the lock is taken;
    best effort: on a full disk the second build only says less)."""
    info = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.strftime("%H:%M:%S"), "command": " ".join(["courseware", *sys.argv[1:]])[:200]}
    temp = path.with_suffix(".tmp")
    try:
        temp.write_text(json.dumps(info), "utf-8")
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text("utf-8"))
        return f"another courseware process (pid {int(info['pid'])} on {info['host']}, '{info['command']}', since {info['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another courseware process"
