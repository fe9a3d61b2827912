"""What `courseware serve` shows: the site rendered into a preview folder, the version of that
render (it changes with every render, so open pages reload) and its error, if it failed."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from courseware.buildlock import STATE
from courseware.errors import CoursewareError
from courseware.redact import line as redacted

# Below output/<course>/.courseware/ (git-ignored): the preview renders the site alone, and a
# render prunes what it did not write, so it must never be the dist/ that holds the other formats.
PREVIEW = "preview"


@dataclass(frozen=True)
class Settings:
    spec: Path
    output: Path = Path("output")
    templates: Path | None = None  # --templates
    build: bool = False  # generate what is new or stale first (the only way serve calls a model)
    provider: str | None = None  # --provider, with --build


@dataclass
class Outcome:
    """One render: how long it took and what to tell the user."""

    seconds: float
    error: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    generated: int = 0


class Preview:
    """The last render of the site: the folder served, its version and its error lines."""

    def __init__(self, settings: Settings, say: Callable[[str], None]):
        self.settings = settings
        self.say = say  # told when a render waits for a build of the same course
        self.loaded = None  # the spec as last loaded without error: what is watched
        self.root: Path | None = None
        self.error: list[str] = []
        self.stopped = False
        self.changed = threading.Condition()
        self._token = secrets.token_hex(4)  # a restarted server's versions differ: its open pages reload
        self._count = 0
        self.version = f"{self._token}-0"

    def load(self) -> None:
        """Load the spec to know what to watch; a broken spec is reported by the render."""
        from courseware.spec.load import load_spec

        try:
            self.loaded = load_spec(self.settings.spec)
        except CoursewareError:
            pass

    def render(self) -> Outcome:
        """Render the site into the preview folder (build first with --build); never raises for a
        problem a user can fix: its lines become the error page."""
        from courseware.build import Options, build, render_course
        from courseware.spec.load import load_spec

        start = time.monotonic()
        outcome = Outcome(0.0)
        root = None
        try:
            loaded = load_spec(self.settings.spec)
            self.loaded = loaded
            root = self.settings.output / loaded.spec.course.id / STATE / PREVIEW
            options = Options(output=self.settings.output, formats=("html",), templates=self.settings.templates, wait=True, on_wait=self.say, dist=root, llm={"provider": self.settings.provider})
            report = (build if self.settings.build else render_course)(self.settings.spec, options)
            outcome.error = refusals(report)
            outcome.warnings = list(report.warnings)
            outcome.generated = len(report.generated)
        except CoursewareError as exc:
            outcome.error = exc.lines()
        except Exception as exc:  # noqa: BLE001  a bug must not end the preview; it is said in one line
            outcome.error = [f"{self.settings.spec}: unexpected error while rendering (a bug in courseware, please report it): {type(exc).__name__}: {exc}"]
        outcome.error = [redacted(line) for line in dict.fromkeys(outcome.error)]
        outcome.seconds = time.monotonic() - start
        with self.changed:
            self.root = root or self.root
            self.error = outcome.error
            self._count += 1
            self.version = f"{self._token}-{self._count}"
            self.changed.notify_all()
        return outcome

    def snapshot(self) -> tuple[Path | None, str, list[str]]:
        """The folder, version and error lines of the last render, read together."""
        with self.changed:
            return self.root, self.version, list(self.error)

    def stop(self) -> None:
        """Wake every open reload channel so that it ends."""
        with self.changed:
            self.stopped = True
            self.changed.notify_all()


def refusals(report) -> list[str]:
    """Why a build (--build) did not render: its failed tasks, conflicts and files changed meanwhile."""
    lines = [line for error in report.failures.values() for line in error.lines()]
    lines += [f"{report.content_dir}: conflict: {task} was edited by hand and its inputs changed; kept it (see 'courseware diff', then 'courseware resolve')" for task in report.conflicts]
    lines += [f"{report.content_dir}: {task} was changed on disk while the build ran; kept the change" for task in report.changed_meanwhile]
    return lines
