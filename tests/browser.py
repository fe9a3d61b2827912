"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, and a static file server
on 127.0.0.1: the real client the HTML checks run in. No request may leave 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Every request to another host goes to a proxy that is not there (the discard port), so it fails
# in the browser's own network stack; loopback is never proxied. No request interception: the
# pages run as they do for a learner.
NOWHERE = ["--proxy-server=http://127.0.0.1:9"]
LOCAL = ("http://127.0.0.1:", "file://", "data:")
AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(folder: Path):
    """Serve `folder` on 127.0.0.1 (a free port) while the block runs; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def browser(bypass_csp: bool = False):
    """Chromium with a fresh profile (a new --user-data-dir); every request not to 127.0.0.1,
    file:// or data: is recorded in `context.outside` (and fails: NOWHERE).

    A launch per test costs about half a second. One browser per worker with a new context per
    test was tried: its pages (off-the-record contexts) loaded and ran axe 1.4 times slower.
    `bypass_csp` lets axe-core be injected into pages whose CSP forbids inline scripts.
    """
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=FLAGS + NOWHERE, bypass_csp=bypass_csp)
        context.outside = []
        context.on("request", lambda request: None if request.url.startswith(LOCAL) else context.outside.append(request.url))
        try:
            yield context
        finally:
            context.close()


class PageWatch:
    """Console errors, page errors, failed requests and dialogs of one page."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", lambda r: self.failed.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations on the loaded page."""
    page.add_script_tag(content=AXE.read_text("utf-8"))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
