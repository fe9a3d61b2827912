"""The response cache: validated raw answers stored by content key, so no call is made twice."""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

from courseware.errors import CoursewareError
from courseware.writer import Writer

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


class ResponseCache:
    """`<dir>/<key[:2]>/<key>.json`, written atomically; an unreadable entry is a miss."""

    def __init__(self, folder: Path):
        self.folder = folder

    def get(self, key: str) -> dict | None:
        path = self.folder / key[:2] / f"{key}.json"
        try:
            entry = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("answer"), str):
            return None
        return entry

    def put(self, key: str, answer: str, usage: dict[str, int], model: str | None = None) -> None:
        entry = {"key": key, "answer": answer, "usage": usage, "model": model}
        # A Writer per entry: a rerun may rewrite an entry it found corrupt. Not durable: an entry
        # lost to a power cut is only a miss, and the rename alone survives a killed build.
        Writer(self.folder).write_text(f"{key[:2]}/{key}.json", json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n", durable=False)

    @contextmanager
    def claim(self, key: str) -> Iterator[None]:
        """Hold `key` while its answer is being paid for: another build sharing this cache waits,
        then finds the answer cached instead of making the same call again.

        Where the system has open-file-description locks (Linux), a claim is a lock on one byte of
        one file (`claims.lock`, the byte at the key's first 60 bits), held by its own descriptor:
        no file is made per call (on some disks, making a file costs a millisecond of CPU). Other
        systems lock a `<key>.lock` file beside the entry."""
        if OFD_LOCKS:
            with _byte_lock(Writer(self.folder).target(CLAIMS), int(key[:15], 16)):  # never through a link out
                yield
            return
        entry = Writer(self.folder).target(f"{key[:2]}/{key}.json")  # the entry's own checks: never through a link out
        path = entry.with_suffix(".lock")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(path, thread_local=False)
            lock.acquire()
        except OSError as exc:
            raise CoursewareError(f"{entry}: cannot write ({exc.strerror or exc}); check the folder's permissions and free space") from None
        try:
            yield
        finally:
            lock.release()
            path.unlink(missing_ok=True)  # a waiting build that then takes the unlinked file sees it and takes a new one


CLAIMS = "claims.lock"
OFD_LOCKS = hasattr(fcntl, "F_OFD_SETLKW") if fcntl is not None else False


@contextmanager
def _byte_lock(path: Path, offset: int) -> Iterator[None]:
    """An exclusive open-file-description lock on byte `offset` of `path` (made if missing): it
    belongs to this descriptor, so two threads of one process exclude each other as two
    processes do, and the kernel finds no false deadlock between builds."""
    try:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:  # the cache's first claim: its folder is made once, not at every call
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise CoursewareError(f"{path}: cannot write ({exc.strerror or exc}); check the folder's permissions and free space") from None
    try:
        fcntl.fcntl(fd, fcntl.F_OFD_SETLKW, _flock(fcntl.F_WRLCK, offset))
        try:
            yield
        finally:
            fcntl.fcntl(fd, fcntl.F_OFD_SETLK, _flock(fcntl.F_UNLCK, offset))
    finally:
        os.close(fd)


def _flock(kind: int, offset: int) -> bytes:
    """struct flock for one byte at `offset` (l_pid 0, as open-file-description locks require)."""
    return struct.pack("hhqqi", kind, os.SEEK_SET, offset, 1, 0)
