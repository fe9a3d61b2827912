"""Where renderers take their look from: the user's template folder first, then templates/. A
user folder is untrusted like a prompt: confined to itself, approved in templates.lock."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from jinja2 import BaseLoader, TemplateNotFound

from courseware.course import Course
from courseware.errors import CoursewareError, TemplateError
from courseware.lock import Lock
from courseware.sandbox import environment, raise_located
from courseware.spec.load import LoadedSpec

BUILT_IN = Path(__file__).resolve().parent.parent / "templates"
LOCK = "templates.lock"


def user_folder(loaded: LoadedSpec | None, flag: Path | None) -> Path | None:
    """The user's template folder: --templates (anywhere: whoever runs the command chose it),
    else the spec key `templates` (checked to lie inside the spec's folder), else none."""
    if flag is not None:
        if not flag.is_dir():
            raise CoursewareError(f"--templates {flag}: no such folder; make one with 'courseware templates copy {flag}' (the built-in templates, to edit)")
        return flag
    return loaded.root / loaded.spec.templates if loaded and loaded.spec.templates else None


def folders(course: Course) -> list[Path]:
    """The template folders to search, the user's own first."""
    return [course.templates, BUILT_IN] if course.templates else [BUILT_IN]


def inside(folder: Path, candidate: Path) -> Path:
    """Where `candidate` leads once links are followed, refused unless that is inside `folder`."""
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        raise TemplateError(f"{candidate}: a broken link or a link loop; put the file itself in {folder}") from None
    if not resolved.is_relative_to(folder.resolve()):
        raise TemplateError(f"{candidate}: a link leading outside {folder}; put the file itself in the folder")
    return resolved


def confined_file(folder: Path, candidate: Path) -> Path:
    """`candidate`, refused unless it is a regular file inside `folder` (links followed)."""
    if not inside(folder, candidate).is_file():  # a pipe or a device would block the build
        raise TemplateError(f"{candidate}: not a regular file; templates are files")
    return candidate


def checked_name(relative: str) -> tuple[str, ...]:
    """The parts of a '/'-separated template name, refused if it could leave the folder."""
    parts = PurePosixPath(relative).parts
    if not parts or relative.startswith("/") or "\\" in relative or ":" in relative or ".." in parts:
        raise TemplateError(f"template '{relative}' refused: name a file relative to the template folder, without '..', ':' or a leading '/'")
    return parts


def locate(roots: list[Path], relative: str) -> Path | None:
    """The first root's file `relative`, confined to that root; None if no root has it."""
    parts = checked_name(relative)
    for root in roots:
        candidate = root.joinpath(*parts)
        if candidate.exists() or candidate.is_symlink():
            return confined_file(root, candidate)
    return None


def find(course: Course, relative: str) -> Path:
    """The first `relative` file among the template folders."""
    found = locate(folders(course), relative)
    if found is None:
        raise FileNotFoundError(relative)  # every file has a built-in version: this is our bug
    return found


class ConfinedLoader(BaseLoader):
    """A Jinja loader over `<root>/<prefix>` of each root (then `<root>/<fallback>`: the e-book's and
    the PDF book's templates include the site's blocks.html), refusing names with '..' or a leading '/' and
    files that are links leading out of their root (FileSystemLoader follows those)."""

    def __init__(self, roots: list[Path], prefix: str, fallback: str | None = None):
        self.roots, self.prefix = roots, prefix
        self.prefixes = (prefix, fallback) if fallback else (prefix,)
        self.served: dict[str, str] = {}  # file names given to Jinja, for locating errors

    def get_source(self, environment, template: str):
        checked_name(template)  # the name as written in the include, before the prefix
        path = next(filter(None, (locate(self.roots, f"{prefix}/{template}") for prefix in self.prefixes)), None)
        if path is None:
            folders = [str(r / prefix) for prefix in self.prefixes for r in self.roots]
            raise TemplateNotFound(template, f"no template '{template}' in {' or '.join(folders)}")
        try:
            source = _read(path).decode("utf-8")
        except UnicodeDecodeError:
            raise TemplateError(f"{path}: not UTF-8 text; save the template as UTF-8") from None
        self.served[str(path)] = str(path)
        return source, str(path), lambda: True  # read once per run


@dataclass(frozen=True)
class UserTemplates:
    """A user's template folder under review: templates.lock covers every file in it."""

    folder: Path

    @property
    def lock(self) -> Lock:
        return Lock(self.folder, LOCK, "courseware templates approve")

    def files(self) -> dict[str, bytes]:
        """Every file of the folder, by '/'-separated name, except the lock itself. CSS and JS
        count like HTML: they run in learners' browsers."""
        found: dict[str, bytes] = {}
        for top, dirs, names in os.walk(self.folder):
            here = Path(top)
            for name in names:
                relative = (here / name).relative_to(self.folder).as_posix()
                if relative != LOCK:
                    found[relative] = _read(confined_file(self.folder, here / name))
            for name in dirs:  # os.walk does not enter links to folders: refuse those that lead out
                if (here / name).is_symlink():
                    inside(self.folder, here / name)
        return dict(sorted(found.items()))

    def compile_all(self) -> None:
        """Compile every template of the folder (the site's, the e-book's and the PDF book's): a syntax error is FILE:LINE: message."""
        for prefix, fallback, patterns in (("html", None, ("*.html",)), ("epub", "html", ("*.xhtml", "*.opf")), ("pdf", "html", ("*.html",))):
            loader = ConfinedLoader([self.folder, BUILT_IN], prefix, fallback)
            env = environment(loader, autoescape=True)
            for path in sorted(p for pattern in patterns for p in (self.folder / prefix).rglob(pattern)):
                try:
                    env.get_template(path.relative_to(self.folder / prefix).as_posix())
                except Exception as exc:
                    raise_located(exc, loader.served, str(path))

    def require_approved(self) -> None:
        """Stop before anything is written if a file is not approved."""
        self.lock.require_approved(self.files())


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read the file ({exc.strerror or exc}); check its permissions") from None
