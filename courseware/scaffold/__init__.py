"""`courseware init`: a commented spec and a source document that validate and build as they are."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from string import Template

from courseware.errors import CoursewareError
from courseware.spec.language import check_language_tag
from courseware.spec.model import ID_PATTERN, RESERVED_NAMES
from courseware.writer import Writer


def scaffold(folder: Path, course_id: str, title: str, language: str) -> list[Path]:
    """Write <folder>/<id>.yaml and <folder>/sources/<id>/getting-started.md; refuse to overwrite."""
    if not ID_PATTERN.match(course_id) or course_id.endswith("."):
        raise CoursewareError(f"invalid course id {course_id!r}; use letters, digits, '-', '_' or '.'")
    if course_id.split(".")[0].lower() in RESERVED_NAMES:  # the spec would not validate
        raise CoursewareError(f"course id {course_id!r} is a reserved file name on Windows; choose another id")
    try:
        check_language_tag(language)
    except ValueError as exc:
        raise CoursewareError(f"--language: {exc}") from None
    spec_name, source_name = f"{course_id}.yaml", f"sources/{course_id}/getting-started.md"
    for name in (spec_name, source_name):
        if (folder / name).exists():
            raise CoursewareError(f"{folder / name}: already exists and is kept; choose another course id or another folder (--dir)")
    here = files(__package__)
    spec = Template(here.joinpath("spec.yaml").read_text("utf-8")).substitute(id=course_id, title=title.replace('"', "'"), language=language)
    writer = Writer(folder)
    writer.write_text(source_name, here.joinpath("getting-started.md").read_text("utf-8"))
    writer.write_text(spec_name, spec)
    return [folder / spec_name, folder / source_name]
