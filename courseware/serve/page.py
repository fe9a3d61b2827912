"""What only served pages get, never the files on disk: the reload script (and the Content Security
Policy it needs), the located error page and the page for a missing file."""

from __future__ import annotations

import re
from html import escape

PREFIX = "/__courseware/"
EVENTS = PREFIX + "events"  # Server-Sent Events: the version of every render
SCRIPT = PREFIX + "reload.js"
VERSION = PREFIX + "version"  # the same as JSON, for scripts and tests

# Reload when the version differs from the one the page was served with: a render that happened
# between serving the page and opening the channel is not missed.
RELOAD_JS = f"""// courseware serve: reload this page whenever the preview is rendered again (never in dist/).
(() => {{
  let seen = document.currentScript ? document.currentScript.dataset.version : null;
  const events = new EventSource("{EVENTS}");
  events.onmessage = (event) => {{
    if (seen && event.data !== seen) location.reload();
    seen = event.data;
  }};
}})();
"""

CSP = re.compile(r"""(<meta\s+http-equiv=["']Content-Security-Policy["']\s+content=")([^"]*)(")""", re.IGNORECASE)
BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def script_tag(version: str) -> str:
    """The tag that loads the reload script, with the version the page shows."""
    return f'<script src="{SCRIPT}" data-version="{escape(version)}"></script>'


def inject(html: str, version: str) -> str:
    """A rendered page as served: its policy lets the reload script run and connect to this
    server, and the script is loaded at the end of the body."""
    html = CSP.sub(lambda m: m.group(1) + allow_self(m.group(2)) + m.group(3), html, count=1)
    tag = script_tag(version)
    ends = list(BODY_END.finditer(html))
    if not ends:
        return html + tag + "\n"
    at = ends[-1].start()
    return html[:at] + tag + "\n" + html[at:]


def allow_self(policy: str) -> str:
    """`policy` with 'self' allowed for scripts and connections (the site's own is default-src 'none')."""
    directives = [d.split() for d in policy.split(";") if d.strip()]
    names = [d[0].lower() for d in directives]
    for name in ("script-src", "connect-src"):
        if name in names:
            directive = directives[names.index(name)]
            directive[1:] = [s for s in directive[1:] if s.lower() != "'none'"] + ([] if "'self'" in directive else ["'self'"])
        elif "default-src" in names:
            directives.append([name, "'self'"])
    return "; ".join(" ".join(d) for d in directives)


def error_page(lines: list[str], version: str) -> str:
    """The page every lesson shows while the last render failed: its located lines, escaped."""
    items = "\n".join(f"<li><code>{escape(line)}</code></li>" for line in lines)
    return _page("The preview cannot be rendered", f"""<ul>
{items}
</ul>
<p>Fix the file and save it: this page comes back by itself. Until then the preview keeps its last good render.</p>""", version)


def not_found_page(path: str, version: str) -> str:
    """The page for a path the preview does not have (a lesson removed, a typo)."""
    return _page("Not in the preview", f'<p>The preview has no <code>{escape(path)}</code>. <a href="/">Go to the course home page</a>.</p>', version)


def _page(title: str, body: str, version: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · courseware serve</title>
<style>body{{font:1rem/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;background:#fff}}code{{white-space:pre-wrap;overflow-wrap:anywhere}}li{{margin:.5rem 0}}h1{{color:#8a1c1c}}</style>
</head>
<body>
<main>
<h1>{escape(title)}</h1>
{body}
</main>
{script_tag(version)}
</body>
</html>
"""
