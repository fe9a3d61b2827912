"""The only module that writes output files: atomically, each once per run, never outside its root."""

from __future__ import annotations

import os
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
        parts = PurePosixPath(relative).parts
        if not parts or PurePosixPath(relative).is_absolute() or any(p in ("..", ".", "") for p in parts) or "\\" in relative:
            raise CoursewareError(f"{relative}: refusing to write outside {self.root}")
        path = self.root.joinpath(*parts)
        root = self.root.resolve()
        if not path.resolve().is_relative_to(root):
            raise CoursewareError(f"{path}: refusing to write through a link that leads outside {self.root}")
        return path

    def write_text(self, relative: str, text: str, durable: bool = True) -> bool:
        """Write `text` (UTF-8, LF) atomically; True when the file changed."""
        return self.write_bytes(relative, text.encode("utf-8"), durable)

    def write_bytes(self, relative: str, data: bytes, durable: bool = True) -> bool:
        """Write `data` atomically (temp file + rename, so a killed run leaves no partial file);
        `durable` also flushes it to disk first, so it survives a power cut."""
        with self.lock:
            if relative in self.written:
                raise CoursewareError(f"{relative}: written twice in one run; two outputs claim the same file")
            self.written.add(relative)
        path = self.target(relative)
        if self.held is not None:
            with self.lock:
                self.held[relative] = (data, durable)
            return True
        return self._write(path, relative, data, durable)

    def flush(self) -> None:
        """Write the held files, in the order they came."""
        held, self.held = self.held or {}, None
        for relative, (data, durable) in held.items():
            self._write(self.target(relative), relative, data, durable)

    def _write(self, path: Path, relative: str, data: bytes, durable: bool) -> bool:
        try:
            if path.is_file() and path.read_bytes() == data:
                return False
            path.parent.mkdir(parents=True, exist_ok=True)
            for leftover in path.parent.glob(f".{path.name}.*.tmp"):  # from a run killed mid-write
                leftover.unlink(missing_ok=True)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            try:
                os.chmod(temp, FILE_MODE)
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                    if durable:
                        stream.flush()
                        os.fsync(stream.fileno())
                os.replace(temp, path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise CoursewareError(f"{path}: cannot write ({exc.strerror or exc}); check the folder's permissions and free space") from None
        self.changed.append(relative)
        return True
