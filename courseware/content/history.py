"""What a hand edit is measured against: the generated text each file came from (kept locally,
or found in git), and backups of the hand edits that --force and --regenerate replace."""

from __future__ import annotations

import subprocess
from pathlib import Path

from courseware.content.files import file_digest
from courseware.errors import CoursewareError
from courseware.markdown.frontmatter import body_hash, body_of, split
from courseware.buildlock import STATE
from courseware.writer import ChangedOnDisk, Writer

GENERATED = "generated"  # below output/<course>/.courseware/: every generated file by its body hash
BACKUPS = "backups"  # below output/<course>/: hand edits that a forced regeneration replaced
GIT_REVISIONS = 200  # how far back git history is searched for the generated version of a file


def keep_generated(folder: Path, text: str) -> None:
    """Keep a generated file under the hash of its body, so `courseware diff` can show a later hand edit."""
    digest = body_hash(body_of(text, "generated"))
    relative = f"{digest[:2]}/{digest}.md"
    try:
        if not (folder / relative).is_file():
            Writer(folder).write_text(relative, text, durable=False)
    except CoursewareError:
        pass  # local convenience only: without it, diff looks in git history instead


def backup(course_dir: Path, relative: str, digest: str) -> Path:
    """Copy the hand-edited file `relative` of the content folder to backups/ before it is replaced;
    ChangedOnDisk if it is no longer what the build read (then it is not replaced at all)."""
    path = course_dir / "content" / relative
    data = path.read_bytes() if path.is_file() else b""
    if file_digest(data) != digest:  # the same hash the plan took of the file
        raise ChangedOnDisk(f"{path}: changed on disk while the build ran; kept it")
    name = f"{relative.removesuffix('.md')}.{digest[:12]}.md"
    Writer(course_dir / BACKUPS).write_bytes(name, data)
    return course_dir / BACKUPS / name


def generated_body(course_dir: Path, path: Path, sha256: str) -> str | None:
    """The body as generated (the one whose hash the front matter records), or None if it is
    neither kept on this machine nor in the git history of `path`."""
    kept = course_dir / ".courseware" / GENERATED / sha256[:2] / f"{sha256}.md"
    for text in _candidates(kept, path):
        _, body, _ = split(text, str(path))
        if body_hash(body) == sha256:
            return body
    return None


def _candidates(kept: Path, path: Path):
    if kept.is_file():
        yield kept.read_text("utf-8")
    yield from _git_versions(path)


def _git_versions(path: Path):
    """The committed versions of `path`, newest first (nothing when git or a repository is missing)."""
    folder = path.parent.resolve()
    try:
        top = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=10)
        if top.returncode != 0:
            return
        relative = path.resolve().relative_to(Path(top.stdout.strip())).as_posix()
        revisions = subprocess.run(["git", "-C", top.stdout.strip(), "log", f"-{GIT_REVISIONS}", "--format=%H", "--", relative], capture_output=True, text=True, timeout=30)
        for revision in revisions.stdout.split():
            shown = subprocess.run(["git", "-C", top.stdout.strip(), "show", f"{revision}:{relative}"], capture_output=True, timeout=10)
            if shown.returncode == 0:
                yield shown.stdout.decode("utf-8", "replace")
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return


def replace_reviewed(writer: Writer, course_dir: Path, relative: str, text: str, before, backups: list[tuple[str, Path]], task_id: str) -> bool:
    """Write a fresh generated or translated file over what the plan read (`before`, a
    ContentFile or None): a hand edit it replaces is backed up first (into `backups`), and an
    edit saved since the plan read it is kept (ChangedOnDisk). True when the file changed."""
    if before is not None and before.recorded.edited:
        backups.append((task_id, backup(course_dir, relative, before.digest)))
    changed = writer.write_text(relative, text, expect=before.digest if before else None)
    keep_generated(course_dir / STATE / GENERATED, text)  # what `courseware diff` compares a later hand edit with
    return changed
