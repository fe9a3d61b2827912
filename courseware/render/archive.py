"""Deterministic zip archives: sorted entries, fixed timestamps, only safe relative names; and the
one date a format may write into its files (`source_date`)."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime, timezone
from pathlib import PurePosixPath

from courseware.errors import CoursewareError

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
DEFAULT_EPOCH = "946684800"  # 2000-01-01: the documents' date unless SOURCE_DATE_EPOCH says otherwise


def source_date() -> datetime:
    """The date written into documents (the decks', the e-book's, the PDF's), in UTC: from
    SOURCE_DATE_EPOCH (default 2000-01-01), never the build's time, so rebuilds are identical."""
    try:
        seconds = int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH))
    except ValueError:
        raise CoursewareError(f"SOURCE_DATE_EPOCH={os.environ['SOURCE_DATE_EPOCH']!r}: not a number of seconds; set it to a Unix time such as {DEFAULT_EPOCH}") from None
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


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
