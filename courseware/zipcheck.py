"""Zip files we are handed (a PPTX template): refused, before anything unpacks them, when they are
not a zip or when their directory promises more than a template needs (a zip bomb).

Everything is decided from the directory, so memory stays bounded: the end record first (entry
count, directory size), then the directory (each entry's declared sizes). Python's zipfile, which
python-pptx reads through, never inflates an entry past the size the directory declares (and fails
its CRC if the data disagrees), so bounding the declared sizes bounds what is unpacked.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from courseware.errors import CoursewareError

END = struct.Struct("<4s4H2LH")  # end of central directory record
END_SIGNATURE = b"PK\x05\x06"
ZIP64_LOCATOR = struct.Struct("<4sLQL")
ZIP64_END = struct.Struct("<4sQ2H2L4Q")
MAX_COMMENT = 0xFFFF


@dataclass(frozen=True)
class Limits:
    """What a zip may declare. templates/README.md documents the defaults."""

    entries: int = 10_000
    directory: int = 4 << 20  # bytes of central directory (the memory zipfile needs to list it)
    total: int = 256 << 20  # bytes, all entries uncompressed
    ratio: int = 100  # uncompressed : compressed, per entry larger than `grace`
    grace: int = 100 << 10  # small parts may compress better than `ratio` (Apache POI's rule too)


TEMPLATE = Limits()


# A Word or PowerPoint source: bigger than a template may be, never a bomb.
SOURCE = Limits(entries=50_000, directory=16 << 20, total=1 << 30)


def check_zip(path: Path, kind: str, fix: str, limits: Limits = TEMPLATE) -> None:
    """Refuse `path` with a one-line error naming it unless it is a zip within `limits`.

    `kind` names what the file should be ("a PowerPoint file"), `fix` what to do about it."""
    try:
        with open(path, "rb") as stream:
            problem = zip_problem(stream, kind, fix, limits)
    except OSError as exc:
        raise CoursewareError(f"{path}: cannot read ({exc.strerror or exc}); {fix}") from None
    if problem:
        raise CoursewareError(f"{path}: {problem}")


def zip_problem(stream: BinaryIO, kind: str, fix: str, limits: Limits = SOURCE) -> str | None:
    """Why the zip in `stream` (a file, or a source's bytes in a BytesIO) may not be unpacked,
    without the file's name, or None."""
    try:
        entries, directory = _end_record(stream)
    except ValueError:
        return f"not {kind} (it is not a zip archive); {fix}"
    if entries > limits.entries:
        return f"lists {entries} entries, more than the {limits.entries} allowed; {fix}"
    if directory > limits.directory:
        return f"its zip directory takes {_mb(directory)}, more than the {_mb(limits.directory)} allowed; {fix}"
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        return f"not {kind} (its zip directory is damaged); {fix}"
    return expansion_problem(infos, fix, limits)


def expansion_problem(infos: list[zipfile.ZipInfo], fix: str, limits: Limits = SOURCE) -> str | None:
    """Why a zip whose directory lists `infos` may not be unpacked (an entry, or all of them,
    would expand past `limits`: a zip bomb), or None. Readers ask before they test any entry."""
    if len(infos) > limits.entries:
        return f"lists {len(infos)} entries, more than the {limits.entries} allowed; {fix}"
    total = 0
    for info in infos:
        if info.file_size > limits.grace and info.file_size > limits.ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            return f"{info.filename} would expand {ratio}-fold to {_mb(info.file_size)}, more than the {limits.ratio}-fold allowed (a zip bomb?); {fix}"
        total += info.file_size
    if total > limits.total:
        return f"would expand to {_mb(total)}, more than the {_mb(limits.total)} allowed; {fix}"
    return None


def _end_record(stream: BinaryIO) -> tuple[int, int]:
    """(entry count, central directory size) from the end record; ValueError if there is none."""
    size = stream.seek(0, 2)
    tail_start = max(0, size - END.size - MAX_COMMENT)
    stream.seek(tail_start)
    tail = stream.read()
    at = tail.rfind(END_SIGNATURE)
    if at < 0 or len(tail) - at < END.size:
        raise ValueError("no end of central directory record")
    _, _, _, _, entries, directory, _, _ = END.unpack_from(tail, at)
    if entries == 0xFFFF or directory == 0xFFFFFFFF:  # zip64: the real numbers are in its own end record
        locator = tail_start + at - ZIP64_LOCATOR.size
        if locator < 0:
            raise ValueError("zip64 locator missing")
        stream.seek(locator)
        signature, _, offset, _ = ZIP64_LOCATOR.unpack(stream.read(ZIP64_LOCATOR.size))
        if signature != b"PK\x06\x07":
            raise ValueError("zip64 locator missing")
        stream.seek(offset)
        record = stream.read(ZIP64_END.size)
        if len(record) < ZIP64_END.size or record[:4] != b"PK\x06\x06":
            raise ValueError("zip64 end record missing")
        entries, directory = ZIP64_END.unpack(record)[7:9]
    return entries, directory


def _mb(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB" if size >= 1 << 20 else f"{size} bytes"
