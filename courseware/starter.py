"""`courseware prompts copy` and `courseware templates copy`: a folder of your own, started from the
built-in prompts or templates, which a wheel install keeps inside the package where nobody edits them."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from courseware.errors import CoursewareError
from courseware.writer import Writer

SKIPPED = ("__pycache__",)  # the interpreter's own files, not part of a folder anyone reviews


def builtin_files(folder: Path) -> dict[str, bytes]:
    """Every file of a built-in folder by '/'-separated name, sorted."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not set(relative.parts) & set(SKIPPED) and path.suffix != ".pyc":
            found[relative.as_posix()] = path.read_bytes()
    return found


def copy_folder(source: Path, target: Path, finish=None) -> int:
    """Copy the built-in `source` folder to `target` (made, or empty), all or nothing; `finish`
    gets the copy before it is put in place (to write its lock). Returns the number of files."""
    if target.resolve() == Path.cwd().resolve():  # it would be replaced under the shell that stands in it
        raise CoursewareError(f"{target}: the current folder; name a new folder to copy into")
    if target.is_file() or target.is_symlink():
        raise CoursewareError(f"{target}: a file is in the way; choose a new folder to copy into")
    if target.is_dir() and any(target.iterdir()):
        raise CoursewareError(f"{target}: already exists and is not empty; nothing was copied, choose a new folder")
    files = builtin_files(source)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    except OSError as exc:
        raise CoursewareError(f"{target}: cannot create the folder ({exc.strerror or exc})") from None
    try:
        writer = Writer(staging)  # fresh modes: a read-only install's files come out editable
        for name, data in files.items():
            writer.write_bytes(name, data, durable=False)
        if finish is not None:
            finish(staging)
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes the folder private
        count = sum(1 for path in staging.rglob("*") if path.is_file())
        if target.is_dir():
            target.rmdir()  # empty, checked above
        os.replace(staging, target)  # in place at once: a failure leaves no half-copied folder
    except OSError as exc:
        raise CoursewareError(f"{target}: cannot copy into it ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return count


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def spec_folder(target: Path) -> str:
    """Where a spec that names `target` by its bare name lies: the folder that holds it."""
    return "the current folder" if target.parent == Path(".") else f"{target.parent}/"
