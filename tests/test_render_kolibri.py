"""The Kolibri HTML5 app (<course>-kolibri.zip): what ricecooker and Kolibri Studio ask of an
HTML5 zip (index.html at its root, relative links only, nothing fetched from elsewhere), and the
app run as Kolibri runs it: extracted, in an iframe sandboxed with `allow-scripts` only (Kolibri's
default HTML5 sandbox), in headless Chromium, in a fresh browser context."""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browser import PageWatch, browser, serve
from conftest import run_cli
from samples import COURSES
from test_render_cc import writable_copy

# Kolibri's html5_viewer: <iframe :sandbox="plugin_data.html5_sandbox_tokens">, default "allow-scripts".
HOST = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Kolibri</title><link rel="icon" href="data:,"></head><body><iframe id="app" sandbox="allow-scripts" src="{src}" style="width:1000px;height:700px"></iframe></body></html>'


def app(samples: Path, course_id: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(samples / "output" / course_id / "dist" / f"{course_id}-kolibri.zip")


@pytest.mark.parametrize("course_id", COURSES)
def test_zip_is_a_kolibri_html5_app(samples, course_id):
    archive = app(samples, course_id)
    names = archive.namelist()
    assert names[0] == "index.html"
    site = samples / "output" / course_id / "dist" / "html"
    assert sorted(names) == sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())  # the site's own files
    assert all(not n.startswith("/") and ".." not in n.split("/") and info.date_time == (1980, 1, 1, 0, 0, 0) for n, info in zip(names, archive.infolist()))
    for name in names:
        if not name.endswith((".html", ".css")):
            continue
        text = archive.read(name).decode("utf-8")
        assert text == (site / name).read_text("utf-8")  # the very pages of the html renderer
        for ref in re.findall(r'(?:src|href)="([^"]+)"', text) + re.findall(r"url\(([^)]+)\)", text):
            parts = urlsplit(ref)
            if parts.scheme:  # a link out in the text: Kolibri opens none, and nothing is loaded from one
                assert parts.scheme in {"http", "https", "mailto", "data"} and not re.search(rf'<(?:script|img|link)[^>]+"{re.escape(ref)}"', text), (name, ref)
                continue
            assert not ref.startswith("/"), (name, ref)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path))) if parts.path else name
            assert target in names, (name, ref)


def test_app_runs_in_kolibris_sandbox(samples, tmp_path):
    for course_id in ("blended-teaching", "taallum-mudmaj"):
        app(samples, course_id).extractall(tmp_path / course_id)
        (tmp_path / f"{course_id}.html").write_text(HOST.format(src=f"{course_id}/index.html"), "utf-8")
    with serve(tmp_path) as base, browser() as context:
        requested: list[str] = []
        context.on("request", lambda request: requested.append(request.url))
        for course_id in ("blended-teaching", "taallum-mudmaj"):
            page = context.new_page()
            watch = PageWatch(page)
            page.goto(f"{base}/{course_id}.html")
            frame = page.frame_locator("#app")
            frame.locator("main h1").first.wait_for()
            frame.locator("main a[href='m1-l1.html']").first.click()  # the home page's first lesson
            frame.locator("section.quiz fieldset.item").first.wait_for()
            inner = next(f for f in page.frames if f.url.endswith("-l1.html"))
            assert inner.evaluate("[document.documentElement.lang, document.documentElement.dir]") == (["ar", "rtl"] if course_id == "taallum-mudmaj" else ["en", "ltr"])
            for fieldset in inner.query_selector_all("section.quiz fieldset.item"):
                choice = fieldset.query_selector("input[type=radio]")
                if choice:
                    choice.check()
                else:
                    fieldset.query_selector("input[type=text]").fill("x")
            frame.locator("section.quiz button[type=submit]").click()  # no allow-forms: the quiz acts on the click
            frame.locator("section.quiz .result[data-score]").wait_for()
            assert inner.query_selector_all("section.quiz .feedback:not([hidden])")
            assert watch.errors == [] and watch.failed == [] and watch.dialogs == []
            page.close()
        assert context.outside == []
        hosts = {f"{base}/{course_id}.html" for course_id in ("blended-teaching", "taallum-mudmaj")}
        inside = tuple(f"{base}/{course_id}/" for course_id in ("blended-teaching", "taallum-mudmaj"))
        assert requested and all(url in hosts or url.startswith(inside) for url in requested), requested


def test_rebuild_is_byte_identical(samples, tmp_path):
    root = writable_copy(samples, tmp_path, "blended-teaching")
    assert run_cli("render", root / COURSES["blended-teaching"], "--output", root / "output", "--formats", "kolibri").exit_code == 0
    name = "blended-teaching/dist/blended-teaching-kolibri.zip"
    assert (root / "output" / name).read_bytes() == (samples / "output" / name).read_bytes()
