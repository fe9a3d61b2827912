"""The zip check that runs before a template is opened: limits read from the zip directory alone."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from courseware.errors import CoursewareError
from courseware.zipcheck import TEMPLATE, Limits, check_zip

BUILT_IN = Path(__file__).parent.parent / "courseware/templates/pptx/template.pptx"


def check(path: Path, limits: Limits = TEMPLATE) -> str:
    """The one-line message check_zip gives for `path`, or "" when it passes."""
    try:
        check_zip(path, "a PowerPoint file", "fix it", limits)
    except CoursewareError as exc:
        assert len(exc.lines()) == 1
        return str(exc)
    return ""


def write_zip(path: Path, files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def test_the_built_in_template_passes_with_room_to_spare():
    assert check(BUILT_IN) == ""
    with zipfile.ZipFile(BUILT_IN) as archive:
        infos = archive.infolist()
    assert len(infos) < TEMPLATE.entries / 100 and sum(i.file_size for i in infos) < TEMPLATE.total / 1000
    assert max(i.file_size / i.compress_size for i in infos if i.compress_size) < TEMPLATE.ratio / 5


@pytest.mark.parametrize(("limits", "message"), [
    (Limits(entries=10), "lists 36 entries, more than the 10 allowed; fix it"),
    (Limits(directory=1000), "its zip directory takes 2834 bytes, more than the 1000 bytes allowed; fix it"),
    (Limits(total=50_000), "would expand to 103172 bytes, more than the 50000 bytes allowed; fix it"),
    (Limits(ratio=10, grace=1000), "ppt/printerSettings/printerSettings1.bin would expand 11-fold to 9395 bytes, more than the 10-fold allowed (a zip bomb?); fix it"),
])
def test_each_limit(limits, message):
    assert check(BUILT_IN, limits) == f"{BUILT_IN}: {message}"


def test_small_parts_may_compress_better_than_the_ratio(tmp_path):
    small = write_zip(tmp_path / "small.zip", {"a.xml": b"<a/>" * 20_000})  # 80 KB, ~300-fold
    assert check(small) == ""
    large = write_zip(tmp_path / "large.zip", {"a.xml": b"<a/>" * 40_000})
    assert check(large).startswith(f"{large}: a.xml would expand ")


def test_stored_entries_count_towards_the_total(tmp_path):
    stored = write_zip(tmp_path / "stored.zip", {"a.bin": bytes(3000), "b.bin": bytes(3000)}, zipfile.ZIP_STORED)
    assert check(stored, Limits(total=5000)) == f"{stored}: would expand to 6000 bytes, more than the 5000 bytes allowed; fix it"


def test_zip64_directories_are_read_for_their_real_entry_count(tmp_path):
    """65,536 entries need a zip64 end record (the classic one says 0xFFFF): the count comes from it."""
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w", zipfile.ZIP_STORED) as archive:
        for n in range(65_536):
            archive.writestr(zipfile.ZipInfo(f"{n:x}"), b"")
    assert check(many) == f"{many}: lists 65536 entries, more than the 10000 allowed; fix it"


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "it is not a zip archive"),
    (b"PK\x03\x04 truncated", "it is not a zip archive"),
    (b"x" * 100 + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, 46, 0, 0), "its zip directory is damaged"),
])
def test_what_is_not_a_zip(tmp_path, data, reason):
    path = tmp_path / "t.pptx"
    path.write_bytes(data)
    assert check(path) == f"{path}: not a PowerPoint file ({reason}); fix it"


def test_an_unreadable_path(tmp_path):
    assert check(tmp_path) == f"{tmp_path}: cannot read (Is a directory); fix it"
