"""The bad-spec corpus: each file is one user mistake with its exact located message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

BAD = Path(__file__).parent / "bad_specs"
EXPECTED = yaml.safe_load((BAD / "expected.yaml").read_text("utf-8"))


def test_corpus_is_complete():
    specs = sorted(p.name for p in BAD.glob("*.yaml") if p.name != "expected.yaml")
    assert specs == sorted(EXPECTED)
    assert len(specs) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_spec_reports_exact_location_and_message(name, cli, monkeypatch, tmp_path):
    monkeypatch.chdir(BAD)
    result = cli("validate", name)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"{name}:{line}" for line in EXPECTED[name]]


@pytest.mark.parametrize("name", ["unknown-course-key.yaml", "dangling-objective.yaml", "alias-bomb.yaml"])
def test_build_of_bad_spec_writes_nothing(name, cli, monkeypatch, tmp_path):
    monkeypatch.chdir(BAD)
    result = cli("build", name, "--output", tmp_path / "out")
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()


def test_every_problem_is_one_line_with_file_line_col(cli, monkeypatch):
    monkeypatch.chdir(BAD)
    for name in EXPECTED:
        for line in cli("validate", name).stderr.splitlines():
            file, row, col, _ = line.split(":", 3)
            assert file == name and row.isdigit() and col.isdigit()


def test_missing_file_and_folder_without_specs(cli, tmp_path):
    missing = tmp_path / "nope.yaml"
    result = cli("validate", missing)
    assert (result.exit_code, result.stderr) == (1, f"{missing}:1:1: no such file; check the path\n")
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    result = cli("validate", empty)
    assert (result.exit_code, result.stderr) == (1, f"{empty}: no spec files (*.yaml) in this folder\n")


def test_several_specs_report_each_and_fail_if_any_fails(cli, monkeypatch):
    monkeypatch.chdir(BAD)
    result = cli("validate", "empty.yaml", "title-empty.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["empty.yaml:1:1: the spec is empty; start from 'courseware init'", "title-empty.yaml:3:10: course.title: must not be empty"]


def test_symlinked_source_leading_outside_is_refused(cli, tmp_path):
    (tmp_path / "spec").mkdir()
    outside = tmp_path / "secret.md"
    outside.write_text("# Secret\n\nText that must not be read into a course.\n")
    (tmp_path / "spec" / "link.md").symlink_to(outside)
    spec = (BAD / "source-missing.yaml").read_text().replace("sources/missing.md", "link.md")
    (tmp_path / "spec" / "course.yaml").write_text(spec)
    result = cli("validate", tmp_path / "spec" / "course.yaml")
    assert result.exit_code == 1
    assert result.stderr.endswith(":17:11: sources[0]: source 'link.md' lies outside the spec's folder; move it under spec/\n")
