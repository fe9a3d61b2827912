"""The only module that writes output files: atomically, each once per run, never outside its root."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import threading
from pathlib import Path, PurePosixPath

from courseware.errors import CoursewareError


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


# mkstemp makes files private (0600); output files get the usual permissions instead.
FILE_MODE = _file_mode()
ANY = object()  # `expect` value: replace whatever is there


class ChangedOnDisk(CoursewareError):
    """The file changed on disk since it was read (a hand edit saved during the build): not replaced."""


class Writer:
    """Writes files below `root`; an unchanged file is left alone (same bytes, same mtime). With
    `hold`, files are kept in memory until `flush()`, so that a failure half-way writes none."""

    def __init__(self, root: Path, hold: bool = False):
        self.root = root
        self.written: set[str] = set()
        self.changed: list[str] = []
        self.lock = threading.Lock()
        self.held: dict[str, tuple[bytes, bool]] | None = {} if hold else None

    def target(self, relative: str) -> Path:
        """The path for `relative`, refusing absolute paths, '..' and links that lead out of the root."""
        posix = PurePosixPath(relative)
        parts = posix.parts
        if not parts or posix.is_absolute() or any(p in ("..", ".", "") for p in parts) or "\\" in relative:
            raise CoursewareError(f"{relative}: refusing to write outside {self.root}")
        path = self.root.joinpath(*parts)
        if self._link_in(parts) and not path.resolve().is_relative_to(self.root.resolve()):
            raise CoursewareError(f"{path}: refusing to write through a link that leads outside {self.root}")
        return path

    def _link_in(self, parts: tuple[str, ...]) -> bool:
        """Whether a link (or something lstat cannot tell) is among the parts below the root: only
        then can the path lead outside it, and need resolving (the root's own links are its own)."""
        here = os.fspath(self.root)
        for part in parts:
            here = os.path.join(here, part)
            try:
                if stat.S_ISLNK(os.lstat(here).st_mode):
                    return True
            except FileNotFoundError:
                return False  # nothing below exists yet, so no link either
            except OSError:
                return True
        return False

    def write_text(self, relative: str, text: str, durable: bool = True, expect: object = ANY) -> bool:
        """Write `text` (UTF-8, LF) atomically; True when the file changed."""
        return self.write_bytes(relative, text.encode("utf-8"), durable, expect)

    def write_bytes(self, relative: str, data: bytes, durable: bool = True, expect: object = ANY) -> bool:
        """Write `data` atomically (temp file + rename, so a killed run leaves no partial file);
        `durable` also flushes it to disk first, so it survives a power cut.

        `expect` is the sha256 of the file as it was read (None: there was none); if the file on
        disk is no longer that, just before the rename, it is kept and ChangedOnDisk raised."""
        with self.lock:
            if relative in self.written:
                raise CoursewareError(f"{relative}: written twice in one run; two outputs claim the same file")
            self.written.add(relative)
        path = self.target(relative)
        if self.held is not None:  # rendered files: nobody edits dist/ by hand, nothing to expect
            with self.lock:
                self.held[relative] = (data, durable)
            return True
        return self._write(path, relative, data, durable, expect)

    def flush(self) -> None:
        """Write the held files, in the order they came."""
        held, self.held = self.held or {}, None
        for relative, (data, durable) in held.items():
            self._write(self.target(relative), relative, data, durable)

    def _write(self, path: Path, relative: str, data: bytes, durable: bool, expect: object = ANY) -> bool:
        try:
            if path.is_file() and path.read_bytes() == data:
                return False
            path.parent.mkdir(parents=True, exist_ok=True)
            _remove_leftovers(path)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            try:
                os.chmod(temp, FILE_MODE)
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                    if durable:
                        stream.flush()
                        os.fsync(stream.fileno())
                if expect is not ANY and _digest(path) != expect:
                    raise ChangedOnDisk(f"{path}: changed on disk while the build ran; kept it")
                os.replace(temp, path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise CoursewareError(f"{path}: cannot write ({exc.strerror or exc}); check the folder's permissions and free space") from None
        self.changed.append(relative)
        return True

    def below(self, prefix: str) -> Subfolder:
        """A view that writes `prefix/<path>` through this writer (a translation's dist/fr/)."""
        return Subfolder(self, prefix)

    def prune(self) -> list[str]:
        """Remove every file below the root that this writer did not write (or find unchanged) in
        this run, temp files of a killed run included, and the folders left empty; returns them."""
        if not self.root.is_dir():
            return []
        removed = []
        for path in sorted(self.root.rglob("*"), reverse=True):  # children before their folders
            relative = path.relative_to(self.root).as_posix()
            if path.is_dir() and not path.is_symlink():
                if not any(path.iterdir()):
                    path.rmdir()
            elif relative not in self.written:
                path.unlink()
                removed.append(relative)
        return sorted(removed)


class Subfolder:
    """Writes below one folder of a Writer: the same files, held, counted and pruned as its own."""

    def __init__(self, writer: Writer, prefix: str):
        self.writer = writer
        self.prefix = prefix.rstrip("/")
        writer.target(self.prefix)  # refused now, not at the first file: no '..', no absolute path

    def write_text(self, relative: str, text: str, durable: bool = True, expect: object = ANY) -> bool:
        return self.writer.write_text(f"{self.prefix}/{relative}", text, durable, expect)

    def write_bytes(self, relative: str, data: bytes, durable: bool = True, expect: object = ANY) -> bool:
        return self.writer.write_bytes(f"{self.prefix}/{relative}", data, durable, expect)

    def below(self, prefix: str) -> Subfolder:
        return Subfolder(self.writer, f"{self.prefix}/{prefix}")


def _remove_leftovers(path: Path) -> None:
    """Remove the temp files of `path` that a run killed mid-write left (`.<name>.*.tmp`). Names
    compared as text: a glob compiles a pattern for each file written."""
    prefix = f".{path.name}."
    for name in os.listdir(path.parent):
        if name.startswith(prefix) and name.endswith(".tmp") and len(name) >= len(prefix) + len(".tmp"):
            (path.parent / name).unlink(missing_ok=True)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
