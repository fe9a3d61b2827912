"""Content a build leaves out: folders of lessons no longer in the spec, and the content folder of
this spec under an earlier course id. Said loudly on every build when they hold hand edits."""

from __future__ import annotations

import re
from pathlib import Path

from courseware.content.files import read_content_file
from courseware.errors import ContentError
from courseware.names import COURSE_FILE
from courseware.translate.facts import FACTS_FILE


def leftovers(output: Path, content_dir: Path, orphans: list[str], spec: str) -> list[str]:
    """One line per left-out folder, saying how many hand-edited files it holds and what to do."""
    lines = []
    for name in orphans:
        folder = content_dir / name
        edited = hand_edited(folder)
        if (folder / FACTS_FILE).is_file():  # the folder of a translation
            what = f"it holds {_files(edited)} edited by hand that this build leaves out" if edited else "its files are left out"
            lines.append(f"{folder}: no translation '{name}' in the spec any more; {what}: add '{name}' to translations again, or remove the folder with git rm if it is not wanted")
        elif edited:
            lines.append(f"{folder}: no lesson '{name}' in the spec any more, and it holds {_files(edited)} edited by hand ({', '.join(edited)}) that this build leaves out; restore the lesson, or move the edits into the lesson that replaced it")
        else:
            lines.append(f"{folder}: no lesson '{name.rsplit('/', 1)[-1]}' in the spec any more; its files are left out (remove the folder with git rm if it is not wanted)")
    for old in earlier_ids(output, content_dir, spec):
        edited = hand_edited(old / "content")
        new = content_dir.parent
        what = f"it holds {_files(edited)} edited by hand that this build leaves out" if edited else "this build leaves it out"
        lines.append(f"{old / 'content'}: built from {spec} when the course id was '{old.name}' (now '{new.name}'); {what}; move it with 'git mv {old} {new}' (or set course.id back)")
    return lines


def earlier_ids(output: Path, content_dir: Path, spec: str) -> list[Path]:
    """Other course folders in `output` whose course.md records that it was built from `spec`."""
    found = []
    if not output.is_dir():
        return found
    for folder in sorted(p for p in output.iterdir() if p.is_dir() and p != content_dir.parent):
        overview = folder / "content" / COURSE_FILE
        if not overview.is_file():
            continue
        try:
            file = read_content_file(overview, str(overview))
        except ContentError:
            continue  # not ours to judge: that course's own build reports it
        if file is not None and file.front.spec == spec:
            found.append(folder)
    return found


def hand_edited(folder: Path) -> list[str]:
    """The content files below `folder` whose body is no longer what was generated (or that cannot
    be read back, which only a human does), as paths relative to it."""
    edited = []
    for path in sorted(folder.rglob("*.md")):
        try:
            file = read_content_file(path, str(path))
        except ContentError:
            edited.append(path.relative_to(folder).as_posix())
            continue
        if file is not None and file.recorded.edited:
            edited.append(path.relative_to(folder).as_posix())
    return edited


def _files(names: list[str]) -> str:
    return f"{len(names)} file{'s' if len(names) != 1 else ''}"


# What courseware's Writer names a file while writing it: .<name>.<8 random characters>.tmp
TEMP_FILE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def remove_temp_files(folder: Path) -> None:
    """Remove the temp files a killed write left below `folder` (the caller holds the course lock)."""
    if folder.is_dir():
        for path in folder.rglob(".*.tmp"):
            if TEMP_FILE.match(path.name) and path.is_file():
                path.unlink(missing_ok=True)
