"""The preview's web server: the rendered files, pages with the reload script, the error page while
the last render failed, and the reload channel (Server-Sent Events)."""

from __future__ import annotations

import errno
import ipaddress
import json
import socket
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from courseware.errors import CoursewareError
from courseware.serve.page import EVENTS, RELOAD_JS, SCRIPT, VERSION, error_page, inject, not_found_page
from courseware.serve.preview import Preview

HOME = "/html/index.html"
KEEPALIVE = 15.0  # seconds between comments on an idle reload channel: a closed tab is noticed


class PreviewServer(ThreadingHTTPServer):
    """Each request in a daemon thread; a browser closing a connection is not an error."""

    daemon_threads = True
    preview: Preview

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            print(f"courseware serve: request from {client_address[0]} failed: {type(error).__name__}: {error}", file=sys.stderr, flush=True)


class Handler(SimpleHTTPRequestHandler):
    """GET only: files from the preview folder; HTML pages as served pages."""

    server: PreviewServer

    def __init__(self, *args, **kwargs):
        self.state = args[2].preview.snapshot()  # root, version, error: one render's, for the whole request
        # No render has succeeded yet (the spec never loaded): every path is missing, and the
        # error page answers.
        super().__init__(*args, directory=str(self.state[0] or "/nonexistent"), **kwargs)

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal shows renders and errors, not every request

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # an edit shows at the next reload, never a cached page
        super().end_headers()

    def do_GET(self) -> None:
        if not self._host_allowed():
            return self._send(403, "courseware serve answers only requests addressed to this computer (Host: localhost or 127.0.0.1)\n", "text/plain")
        path = unquote(urlsplit(self.path).path)
        if path == EVENTS:
            return self._events()
        if path == SCRIPT:
            return self._send(200, RELOAD_JS, "text/javascript")
        root, version, error = self.state
        if path == VERSION:
            return self._send(200, json.dumps({"version": version, "error": error}), "application/json")
        if path == "/":
            return self._redirect(HOME)
        local = Path(self.translate_path(self.path))
        if root is not None and local.is_dir():
            if not path.endswith("/"):
                return self._redirect(path + "/")
            local = local / "index.html"
        page = local.suffix == ".html" or not local.is_file()
        if error and page:
            return self._send(500, error_page(error, version), "text/html")
        if not local.is_file():
            return self._send(404, not_found_page(path, version), "text/html")
        if local.suffix == ".html":
            return self._send(200, inject(local.read_text("utf-8"), version), "text/html")
        return super().do_GET()

    def _host_allowed(self) -> bool:
        """On a loopback address, only requests that name it: a web page elsewhere cannot read the
        preview through a name of its own that resolves to 127.0.0.1 (DNS rebinding)."""
        if not _loopback(self.server.server_address[0]):
            return True  # --host: served to a network on purpose, under whatever name it has there
        host = urlsplit(f"//{self.headers.get('Host', '')}").hostname or ""
        return _loopback(host)

    def do_HEAD(self) -> None:
        self.send_error(405, "GET only")

    def list_directory(self, path):
        self.send_error(404, "No listing")
        return None

    def _send(self, status: int, text: str, kind: str) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _events(self) -> None:
        """The version now, then each new one as it comes, until the server stops."""
        preview = self.server.preview
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        sent = None
        while True:
            with preview.changed:
                preview.changed.wait_for(lambda: preview.stopped or preview.version != sent, timeout=KEEPALIVE)
                if preview.stopped:
                    return
                version = preview.version
            if version != sent:
                self.wfile.write(f"retry: 1000\ndata: {version}\n\n".encode())
                sent = version
            else:
                self.wfile.write(b": still here\n\n")
            self.wfile.flush()


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int, preview: Preview) -> PreviewServer:
    """Bind the server (not serving yet); a port in use is one line naming it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server_class = type("Server", (PreviewServer,), {"address_family": family})
    try:
        server = server_class((host, port), Handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise CoursewareError(f"{host}:{port}: the port is in use (another server?); choose another with --port, or --port 0 for any free one") from None
        raise CoursewareError(f"{host}:{port}: cannot listen there ({exc.strerror or exc}); check --host and --port") from None
    server.preview = preview
    return server


def url(server: PreviewServer) -> str:
    """The address of the course home page on `server`."""
    host, port = server.server_address[:2]
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}{HOME}"
