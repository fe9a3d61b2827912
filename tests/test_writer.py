"""The one writer: atomic, each file once, never outside its root, unchanged files untouched."""

from __future__ import annotations

import os

import pytest

from courseware.errors import CoursewareError
from courseware.writer import Writer


def test_writes_atomically_and_leaves_no_temp_files(tmp_path):
    writer = Writer(tmp_path / "out")
    assert writer.write_text("a/b.md", "hello\n") is True
    assert (tmp_path / "out/a/b.md").read_text() == "hello\n"
    assert sorted(p.name for p in (tmp_path / "out/a").iterdir()) == ["b.md"]


def test_unchanged_file_keeps_its_mtime(tmp_path):
    Writer(tmp_path).write_text("f.md", "same\n")
    os.utime(tmp_path / "f.md", ns=(1_000_000_000, 1_000_000_000))
    assert Writer(tmp_path).write_text("f.md", "same\n") is False
    assert (tmp_path / "f.md").stat().st_mtime_ns == 1_000_000_000
    assert Writer(tmp_path).write_text("f.md", "changed\n") is True


def test_refuses_to_write_a_file_twice(tmp_path):
    writer = Writer(tmp_path)
    writer.write_text("f.md", "one")
    with pytest.raises(CoursewareError, match="written twice in one run"):
        writer.write_text("f.md", "two")


@pytest.mark.parametrize("path", ["../escape.md", "/etc/passwd", "a/../../b.md", "a\\..\\b.md", ""])
def test_refuses_paths_outside_the_root(tmp_path, path):
    with pytest.raises(CoursewareError, match="refusing to write outside"):
        Writer(tmp_path / "root").write_text(path, "x")
    assert not (tmp_path / "escape.md").exists()


def test_refuses_to_write_through_a_link_out_of_the_root(tmp_path):
    (tmp_path / "root").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "root" / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(CoursewareError, match="through a link that leads outside"):
        Writer(tmp_path / "root").write_text("link/f.md", "x")
    assert not (tmp_path / "elsewhere" / "f.md").exists()


def test_unwritable_folder_is_a_clear_error(tmp_path):
    (tmp_path / "blocked").write_text("a file, not a folder")
    with pytest.raises(CoursewareError, match="cannot write .*check the folder's permissions and free space"):
        Writer(tmp_path / "blocked").write_text("f.md", "x")


def test_held_files_are_written_only_on_flush(tmp_path):
    writer = Writer(tmp_path / "dist", hold=True)
    writer.write_text("html/index.html", "page\n")
    with pytest.raises(CoursewareError):
        writer.write_text("../outside.html", "x")  # refused at once, not at flush
    assert not (tmp_path / "dist").exists()
    writer.flush()
    assert (tmp_path / "dist/html/index.html").read_text() == "page\n" and writer.changed == ["html/index.html"]


def test_a_subfolder_writes_through_its_writer_held_and_pruned_with_it(tmp_path):
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr/old.html").write_text("a page of a lesson since removed")
    writer = Writer(tmp_path, hold=True)
    writer.write_text("index.html", "en")
    french = writer.below("fr")
    french.write_text("html/index.html", "fr")
    assert not (tmp_path / "fr/html").exists()  # held like the writer's own files
    with pytest.raises(CoursewareError, match="written twice"):
        writer.write_text("fr/html/index.html", "again")
    writer.flush()
    assert (tmp_path / "fr/html/index.html").read_text() == "fr"
    assert writer.prune() == ["fr/old.html"]
    for prefix in ("..", "/etc", "a/../.."):
        with pytest.raises(CoursewareError, match="refusing to write outside"):
            writer.below(prefix)
