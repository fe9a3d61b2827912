"""`courseware serve` from start to stop: bind, watch, render, serve, render again on each change,
and stop cleanly on Ctrl-C (or SIGTERM)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from pathlib import Path

from courseware.serve import http, watch
from courseware.serve.preview import Outcome, Preview, Settings


def run(settings: Settings, host: str, port: int, say: Callable[[str], None], warn: Callable[[str], None]) -> None:
    """Serve the preview until interrupted; raises CoursewareError only before serving (no such
    spec, the port in use): once it serves, every error is shown on the page instead."""
    _require_spec(settings.spec)
    preview = Preview(settings, warn)
    server = http.listen(host, port, preview)  # before anything else: a port in use is said at once
    stop = threading.Event()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="courseware-serve", daemon=True)
    told: set[str] = set()
    failing = False

    def tell(outcome: Outcome, what: str) -> None:
        nonlocal failing
        for line in outcome.warnings:
            if line not in told:  # each warning once, not at every render
                told.add(line)
                warn(f"warning: {line}")
        made = f"; generated {outcome.generated} task(s)" if outcome.generated else ""
        if outcome.error:
            for line in outcome.error:
                warn(line)
            warn(f"{what}the preview shows this error; fix the file and save it ({outcome.seconds:.2f} s)")
        else:
            say(f"{what}rendered the preview{made} in {outcome.seconds:.2f} s" + (" (fixed)" if failing else ""))
        failing = bool(outcome.error)

    def ready() -> None:
        tell(preview.render(), "")
        thread.start()
        say(f"serving {http.url(server)} (Ctrl-C to stop); {'before each render, --build generates what is new or stale' if settings.build else 'no model is called'}")

    def changed(batch: set) -> None:
        tell(preview.render(), f"changed {_named(batch)}: ")

    preview.load()
    previous = _stop_on_sigterm()
    try:
        watch.run(preview, stop, ready, changed)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        preview.stop()
        if thread.is_alive():
            server.shutdown()
            thread.join()
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    say("stopped")


def _require_spec(path: Path) -> None:
    """A spec that is not there at all is a typo on the command line, not a hand edit to show."""
    from courseware.errors import CoursewareError
    from courseware.spec.load import load_spec

    if path.is_dir():
        raise CoursewareError(f"{path}: a folder; serve previews one course: give its spec file")
    if not path.is_file():
        load_spec(path)  # says why, in its own words
        raise CoursewareError(f"{path}: not a spec file")


def _stop_on_sigterm():
    """SIGTERM stops the server the way Ctrl-C does (the main thread only can set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def _named(batch: set) -> str:
    """The files of a batch of changes, as the user would name them: not the folders, and not a
    file that came and went (an editor's temporary file) unless nothing else changed."""
    paths = sorted({Path(path) for _, path in batch})
    files = [p for p in paths if p.is_file()] or [p for p in paths if not p.is_dir()] or paths
    names = [_shown(p) for p in files]
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "") if names else "a file"


def _shown(path: Path) -> str:
    """A changed file as the user would name it: relative to the working folder when inside it."""
    cwd = Path.cwd().resolve()
    return path.relative_to(cwd).as_posix() if path.is_relative_to(cwd) else str(path)
