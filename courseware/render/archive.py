"""Deterministic zip archives: sorted entries, fixed timestamps, only safe relative names."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from courseware.errors import CoursewareError

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def deterministic_zip(files: dict[str, bytes], first: tuple[str, ...] = (), stored: tuple[str, ...] = ()) -> bytes:
    """A zip of `files` (relative POSIX names) in sorted order, `first` names leading, fixed times;
    the `stored` names uncompressed, the others deflated (EPUB: `mimetype` first and stored)."""
    for name in files:
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or "\\" in name or not name or name.endswith("/"):
            raise CoursewareError(f"{name}: refusing an unsafe archive entry name")
    order = [n for n in first if n in files] + sorted(n for n in files if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in order:
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, files[name])
    return out.getvalue()
