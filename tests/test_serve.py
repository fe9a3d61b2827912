"""`courseware serve`: the preview re-renders on every change and reloads, shows a located error page
for a broken file and keeps running, never calls a model unless --build, never writes dist/."""

from __future__ import annotations

import html
import http.client
import http.server
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from browser import PageWatch, axe_violations, browser
from conftest import run_cli, snapshot
from serve_process import Served, until

SPEC = "specs/demo.yaml"
LESSON = "output/demo/content/m1-l1/lesson.md"
PAGE = "/html/m1-l1.html"
ADDED = "A sentence written while the preview was served."


@pytest.fixture
def course(tmp_path, monkeypatch) -> Path:
    """The `courseware init` course, built offline (its markdown) in a temporary working folder."""
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "demo", "--dir", "specs").exit_code == 0
    assert run_cli("build", SPEC, "--formats", "markdown").exit_code == 0
    return tmp_path


def add_after_title(path: Path, text: str) -> int:
    """Insert `text` as a paragraph below the file's '# Title'; returns the line it starts on."""
    lines = path.read_text("utf-8").splitlines(keepends=True)
    title = next(n for n, line in enumerate(lines) if line.startswith("# "))
    path.write_text("".join(lines[:title + 1] + ["\n", text + "\n"] + lines[title + 1:]), "utf-8")
    return title + 3


def page_shows(text: str) -> str:
    """A predicate for wait_for_function: the page's body shows `text`. Polled again in each new document
    the reload makes, it also runs before that document has a body (document.body is null then)."""
    return f"() => document.body !== null && document.body.innerText.includes({text!r})"


def files(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def showing(served: Served, text: str) -> str | None:
    """The served lesson page if it shows `text`."""
    page = served.get(PAGE)[1]
    return page if text in page else None


@contextmanager
def model_server():
    """An OpenAI-compatible address that records every request and answers none of them well."""
    seen: list[str] = []

    class Refuse(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append(self.path)
            self.send_error(500)

        do_GET = do_POST

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {"COURSEWARE_PROVIDER": "openai", "COURSEWARE_MODEL": "any", "COURSEWARE_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}/v1", "OPENAI_API_KEY": "sk-test-not-a-key-0000"}
        yield env, seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_an_edited_lesson_is_served_again_without_a_restart(course):
    assert run_cli("render", SPEC, "--formats", "html").exit_code == 0
    dist = snapshot(course / "output/demo/dist")
    lesson = course / LESSON
    with model_server() as (env, model_requests), Served(course, SPEC, env=env) as served:
        assert served.url.endswith("/html/index.html")
        status, page = served.get(PAGE)
        assert status == 200 and "<h1>Writing a course spec</h1>" in page
        assert '<script src="/__courseware/reload.js"' in page and "connect-src 'self'" in page
        preview = course / "output/demo/.courseware/preview"
        assert files(preview / "html") == files(course / "output/demo/dist/html")  # what `render` writes, byte for byte
        events = served.events()
        first = events.next()
        assert f'data-version="{first}"' in page  # the page knows the render it shows

        add_after_title(lesson, ADDED)
        assert events.next() != first  # the reload channel says the preview changed
        page = until(lambda: showing(served, ADDED), "the edit to show")
        assert page.count("/__courseware/reload.js") == 1
        events.close()

        on_disk = (preview / "html/m1-l1.html").read_text("utf-8")
        assert ADDED in on_disk and "__courseware" not in on_disk  # the script is only served
        assert served.process.poll() is None
    assert snapshot(course / "output/demo/dist") == dist  # dist/ is never written, not even touched
    assert model_requests == []


def test_a_broken_lesson_shows_a_located_error_page_until_it_is_fixed(course):
    lesson = course / LESSON
    original = lesson.read_text("utf-8")
    with Served(course, SPEC) as served:
        line = add_after_title(lesson, "### Too deep")
        expected = f"{LESSON}:{line}:1: a level-3 heading is not read here: a lesson has one '# Title' and '## Section' headings"
        status, page = until(lambda: (r := served.get(PAGE))[0] == 500 and r, "the error page")
        assert html.escape(expected) in page and "/__courseware/reload.js" in page
        assert served.get("/html/index.html")[0] == 500  # every page says it, not only the broken one
        until(lambda: any(expected in e for e in served.err), "the error on stderr")
        assert served.process.poll() is None

        lesson.write_text(original, "utf-8")
        status, page = until(lambda: (r := served.get(PAGE))[0] == 200 and r, "the page to come back")
        assert "<h1>Writing a course spec</h1>" in page
        assert served.process.poll() is None
        assert until(lambda: any("(fixed)" in line for line in served.out), "the fix to be said")
    assert not any("Traceback" in line for line in served.err)


def test_a_broken_spec_shows_its_line_escaped_and_the_fix_brings_the_page_back(course):
    spec = course / SPEC
    original = spec.read_text("utf-8")
    with Served(course, SPEC) as served:
        assert served.get(PAGE)[0] == 200
        spec.write_text(original.replace("course:\n", 'course:\n  "<b>x</b>": blue\n', 1), "utf-8")
        line = original.splitlines().index("course:") + 2
        status, page = until(lambda: (r := served.get(PAGE))[0] == 500 and r, "the error page")
        assert f"{SPEC}:{line}:3: course.&lt;b&gt;x&lt;/b&gt;: unknown key" in page
        assert "<b>x</b>" not in page  # the hand edit is shown as text, never as markup
        spec.write_text(original, "utf-8")
        until(lambda: served.get(PAGE)[0] == 200, "the page to come back")
        assert served.process.poll() is None


def test_your_templates_are_watched_and_must_stay_approved(course):
    look = course / "specs/my-look/html"
    look.mkdir(parents=True)
    style = look / "style.css"
    style.write_text("main { max-width: 40rem; }\n", "utf-8")
    assert run_cli("templates", "approve", "--templates", "specs/my-look").exit_code == 0
    with Served(course, SPEC, "--templates", "specs/my-look") as served:
        assert "max-width: 40rem" in served.get("/html/assets/style.css")[1]
        style.write_text("main { max-width: 50rem; }\n", "utf-8")
        status, page = until(lambda: (r := served.get(PAGE))[0] == 500 and r, "the error page")
        assert "specs/my-look/html/style.css:1:1: changed since it was approved" in page
        assert run_cli("templates", "approve", "--templates", "specs/my-look").exit_code == 0
        until(lambda: served.get(PAGE)[0] == 200, "the page once the change is approved")
        assert "max-width: 50rem" in served.get("/html/assets/style.css")[1]


def test_ctrl_c_stops_cleanly_with_a_reload_channel_open(course):
    served = Served(course, SPEC)
    try:
        events = served.events()
        events.next()
        assert served.interrupt() == 0
        assert served.out[-1] == "stopped"
        assert not any("Traceback" in line or "KeyboardInterrupt" in line for line in served.err), served.err
        events.close()
    finally:
        served.kill()


def test_build_generates_with_the_offline_provider_when_asked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "demo", "--dir", "specs").exit_code == 0
    spec = tmp_path / SPEC
    with Served(tmp_path, SPEC, "--build", "--provider", "offline") as served:
        assert served.get(PAGE)[0] == 200  # nothing was built before: --build generated it
        assert (tmp_path / LESSON).is_file()
        spec.write_text(spec.read_text("utf-8").replace("- source documents ground the generated text", "- source documents ground every lesson"), "utf-8")
        until(lambda: showing(served, "source documents ground every lesson"), "the lesson regenerated for the spec")
        source = tmp_path / "specs/sources/demo/getting-started.md"
        source.write_text(source.read_text("utf-8").replace("one folder per lesson", "one folder for each lesson"), "utf-8")
        until(lambda: showing(served, "one folder for each lesson"), "the lesson regenerated for its source")
    assert not (tmp_path / "output/demo/dist").exists()


def test_without_build_nothing_is_generated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "demo", "--dir", "specs").exit_code == 0
    with Served(tmp_path, SPEC) as served:
        status, page = served.get(PAGE)
        assert status == 500 and "output/demo/content" in page
    assert not (tmp_path / "output/demo/content").exists()


def test_only_requests_addressed_to_this_computer_are_answered(course):
    with Served(course, SPEC) as served:
        for host in (f"127.0.0.1:{served.port}", f"localhost:{served.port}"):
            assert fetch(served, host)[0] == 200
        status, body = fetch(served, f"rebound.example:{served.port}")  # a page elsewhere, its name resolved to 127.0.0.1
        assert status == 403 and "Writing a course spec" not in body


def fetch(served: Served, host: str) -> tuple[int, str]:
    """GET the lesson page with the Host header a browser would send for `host`."""
    connection = http.client.HTTPConnection(served.host, served.port, timeout=60)
    try:
        connection.request("GET", PAGE, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


def test_a_port_in_use_is_one_line(course):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", SPEC, "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr == f"127.0.0.1:{port}: the port is in use (another server?); choose another with --port, or --port 0 for any free one\n"


def test_a_spec_that_is_not_there_is_one_line(course):
    result = run_cli("serve", "specs/nope.yaml")
    assert (result.exit_code, result.stderr) == (1, "specs/nope.yaml:1:1: no such file; check the path\n")
    result = run_cli("serve", "specs")
    assert (result.exit_code, result.stderr) == (1, "specs: a folder; serve previews one course: give its spec file\n")


def test_provider_needs_build(course):
    result = run_cli("serve", SPEC, "--provider", "openai")
    assert result.exit_code == 2
    assert result.stderr == "--provider: only with --build; without it, serve renders what is on disk and calls no model\n"


def test_the_open_page_reloads_itself_in_chromium(course, tmp_path):
    lesson = course / LESSON
    with Served(course, SPEC) as served, browser() as context:
        page = context.new_page()
        watch = PageWatch(page)
        page.goto(served.url.replace("/html/index.html", PAGE))
        assert page.locator("h1").inner_text() == "Writing a course spec"
        add_after_title(lesson, ADDED)
        # Reloaded by the script (the page is never navigated here); an edit made before its channel
        # opened is not missed: the page carries the version it shows.
        page.wait_for_function(page_shows(ADDED), timeout=60_000)
        original = lesson.read_text("utf-8")
        add_after_title(lesson, "### Too deep")
        page.wait_for_function("() => document.title.startsWith('The preview cannot be rendered')", timeout=60_000)
        assert "a level-3 heading is not read here" in page.locator("main").inner_text()
        assert axe_violations(page) == []  # the error page has no policy: axe-core can be added as it is
        lesson.write_text(original, "utf-8")
        page.wait_for_function(page_shows(ADDED), timeout=60_000)
        # The CSP let the script run and connect: the only console line is Chromium's note of the error page's status.
        assert [e for e in watch.errors if "status of 500" not in e] == [] and watch.dialogs == []
        assert context.outside == []


def test_help_has_an_example_and_lists_serve(cli):
    assert "Example: courseware serve " in cli("serve", "--help").stdout
    assert "serve" in cli("--help").stdout
