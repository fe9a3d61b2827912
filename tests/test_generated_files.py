"""The shortcuts that write a generated file cheaply give the bytes the long way gives: the start
of a line checked without a markdown parse, the front matter written without PyYAML, the body
read without the YAML, and the writer's temp-file and link checks without a glob or a resolve."""

from __future__ import annotations

import hashlib

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from courseware.errors import CoursewareError
from courseware.markdown.blocks import _parser
from courseware.markdown.frontmatter import FrontMatter, body_of, split
from courseware.markdown.write import _plain_paragraph
from courseware.writer import Writer

TRICKY_LINES = [
    "Plain text, with punctuation: (a) [b] `c` *d*.", "A footnote^[inline] after", "Trailing space ", "Trailing nbsp\u00a0",
    "Tab\tinside", "Line\nbreak", "Form\x0cfeed", "Nul\x00", "CR\rhere", "Line\u2028separator", "é accented first", "漢字 first",
    "مرحبا first", "ª ordinal first", "Zero\u200bwidth", "1. a number", "# a heading", "- a list", "> a quote", "<b>html</b>",
    "[x]: a reference", "[^1]: a note", "$$", ":::", "Table: a caption", "a [^1] reference", "a ^ [spaced]",
]


def parsed_plain(text: str) -> bool:
    """What _plain_paragraph answers by parsing."""
    tokens = _parser().parse(text)
    return [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"] and tokens[1].content == text


@pytest.mark.parametrize("text", TRICKY_LINES)
def test_a_line_is_plain_exactly_when_the_parser_says_so(text):
    assert _plain_paragraph.__wrapped__(text) == parsed_plain(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZé漢ª ^[]#>-*_`~<|$:!\\0123456789.\t\n\r\u00a0\u2028\u200b")), min_size=1, max_size=12))
def test_random_lines_are_plain_exactly_when_the_parser_says_so(text):
    assert _plain_paragraph.__wrapped__(text) == parsed_plain(text)


VALUES = ["m0-l1/lesson", "course/overview", "fake-model", "gpt-4o-mini", "spec/course.yaml", "../specs/c.yaml", "true", "no", "On", "null",
          "~", "1e3", "123", "0x1F", "0o17", "1_000", "2001-01-01", "12:30", ".inf", "=", "<<", "a: b", "a #b", "-dash", " lead",
          "trail ", "it's", 'say "x"', "é", "line\nbreak", "x" * 1200, "1" * 64, hashlib.sha256(b"x").hexdigest()]  # fmt: skip


@pytest.mark.parametrize("value", VALUES)
def test_front_matter_is_written_as_pyyaml_writes_it(value):
    front = FrontMatter(task=value, key=value, provider="openai", model=value, body_sha256=value, spec=value, answered_by=value)
    data = {"task": value, "key": value, "provider": "openai", "model": value, "answered_by": value, "body_sha256": value, "spec": value}
    assert front.dump() == "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000) + "---\n"
    assert split(front.dump() + "Body\n", "f.md")[0] == front


def test_the_body_is_read_without_the_yaml_as_split_reads_it():
    text = "---\ntask: a\nkey: b\nprovider: c\nmodel: d\nbody_sha256: e\n---\r\nBody\r\n---\nmore\n"
    assert body_of(text, "f.md") == split(text, "f.md")[1] == "Body\n---\nmore\n"
    with pytest.raises(CoursewareError):
        body_of("no front matter\n", "f.md")


def test_a_write_removes_the_temp_files_a_killed_run_left_of_that_file_only(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    for name in (".b.md.x1.tmp", ".b.md..tmp", ".b.mdx.tmp", ".c.md.x1.tmp", ".b.md.tmp"):
        (folder / name).write_text("half")
    Writer(tmp_path).write_text("a/b.md", "whole\n")
    assert sorted(p.name for p in folder.iterdir()) == [".b.md.tmp", ".b.mdx.tmp", ".c.md.x1.tmp", "b.md"]


def test_a_link_deeper_below_the_root_is_still_refused_and_one_inside_allowed(tmp_path):
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (root / "a" / "out").symlink_to(tmp_path / "elsewhere")
    (root / "a" / "in").symlink_to(root / "a")
    with pytest.raises(CoursewareError, match="through a link"):
        Writer(root).write_text("a/out/f.md", "x")
    assert not (tmp_path / "elsewhere" / "f.md").exists()
    (root / "file").write_text("x")
    assert Writer(root).target("a/in/f.md") == root / "a" / "in" / "f.md"
    Writer(root).target("file/below.md")  # not a folder: the write fails later, as before
