"""What `courseware serve` watches (the spec, the reviewed markdown, the user's templates, the
sources) and the loop that renders again on every change to them."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchfiles import DefaultFilter, watch

from courseware.buildlock import STATE
from courseware.content.leftovers import TEMP_FILE
from courseware.errors import CoursewareError
from courseware.serve.preview import Preview, Settings

_EDITORS = DefaultFilter()  # swap and backup files, .git, __pycache__ ...


@dataclass(frozen=True)
class Targets:
    """Files that count exactly, folders whose every file counts, and folders where nothing does."""

    files: frozenset[Path]
    folders: tuple[Path, ...]
    ignored: tuple[Path, ...]

    def roots(self) -> list[Path]:
        """The existing folders to watch, none inside another. A file is watched through its folder:
        editors save by writing a new file and renaming it over the old one."""
        wanted = [path.parent for path in self.files] + list(self.folders)
        found = sorted({_existing(path) for path in wanted}, key=lambda p: len(p.parts))
        roots: list[Path] = []
        for path in found:
            if not any(path.is_relative_to(root) for root in roots):
                roots.append(path)
        return roots

    def wants(self, change, path: str) -> bool:
        """True for a change that can alter the preview (not an editor's swap file, not a render's own files)."""
        if not _EDITORS(change, path) or TEMP_FILE.match(Path(path).name):
            return False
        changed = Path(path)
        if any(changed.is_relative_to(folder) for folder in self.ignored):
            return False
        return changed in self.files or any(changed.is_relative_to(folder) for folder in self.folders)


def _existing(path: Path) -> Path:
    """`path`, or its nearest folder that exists (a content folder not built yet)."""
    while not path.is_dir() and path != path.parent:
        path = path.parent
    return path


def targets(preview: Preview) -> Targets:
    """What to watch for the spec as last loaded: only the spec itself while it never loaded."""
    from courseware.render.templates import user_folder

    settings: Settings = preview.settings
    files = {settings.spec.resolve()}
    folders: list[Path] = []
    ignored: list[Path] = []
    loaded = preview.loaded
    if loaded is not None:
        course = (settings.output / loaded.spec.course.id).resolve()
        folders.append(course / "content")
        ignored += [course / STATE, course / "dist"]  # what builds and renders write themselves: the lock, the generated store, the preview
        try:
            templates = user_folder(loaded, settings.templates)
        except CoursewareError:
            templates = None  # said by the render
        if templates is not None:
            folders.append(templates.resolve())
        files |= {(loaded.root / path).resolve() for path in loaded.spec.source_files()}
    return Targets(frozenset(files), tuple(folders), tuple(ignored))


def run(preview: Preview, stop: threading.Event, ready: Callable[[], None], changed: Callable[[set], None]) -> None:
    """Call `ready` once the watcher is set up, then `changed` with each batch of them, until
    `stop` is set or Ctrl-C (KeyboardInterrupt). What is watched follows the spec."""
    first, again = True, False
    seen: dict[str, str | None] = {}  # what each changed file held when last rendered
    while not stop.is_set():
        current = targets(preview)
        # yield_on_timeout: the first (empty) batch says the watcher is set up; announcing the
        # server only then means no edit made after the announcement can be missed.
        for batch in watch(*current.roots(), watch_filter=current.wants, stop_event=stop, yield_on_timeout=True, rust_timeout=200, debounce=400):
            if first:
                first = False
                ready()
            elif again or _new(batch, seen):  # after a restart, once: a change made while it restarted
                changed(batch)
            again = False
            if targets(preview) != current:
                again = True
                break  # the spec now names other sources, templates or course id: watch those


def _new(batch: set, seen: dict[str, str | None]) -> bool:
    """True if a file of the batch holds other bytes than at the last render. An editor's save can
    come as two batches (written, then closed); the second changes nothing and renders nothing."""
    now = {path: _fingerprint(Path(path)) for _, path in batch}
    if all(path in seen and seen[path] == digest for path, digest in now.items()):
        return False
    seen.update(now)
    return True


def _fingerprint(path: Path) -> str | None:
    """The SHA-256 of a file's bytes; 'folder' for a folder; None once it is gone."""
    try:
        return "folder" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
