"""SCORM packages: manifests against the official XSDs, and every SCO run in headless Chromium
inside an LMS page that uses the scorm-again run-time."""

from __future__ import annotations

import http.server
import io
import json
import re
import shutil
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
from lxml import etree

from browser import PageWatch, browser
from conftest import SPECS, run_cli
from scorm_schema import errors, scorm12, scorm2004

JS = Path(__file__).parent / "js" / "node_modules" / "scorm-again" / "dist"
LMS_PAGE = Path(__file__).parent / "data" / "lms" / "lms.html"
VERSIONS = {"1.2": ("scorm12.zip", scorm12), "2004": ("scorm2004.zip", scorm2004)}
CP = {"1.2": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "2004": "http://www.imsglobal.org/xsd/imscp_v1p1"}
ADLCP = {"1.2": "http://www.adlnet.org/xsd/adlcp_rootv1p2", "2004": "http://www.adlnet.org/xsd/adlcp_v1p3"}


def build(root: Path, *extra_spec_lines: str) -> Path:
    shutil.copytree(SPECS, root / "course_specs")
    spec = root / "course_specs/blended-teaching.yaml"
    if extra_spec_lines:
        spec.write_text(spec.read_text("utf-8") + "\n".join(extra_spec_lines) + "\n", "utf-8")
    result = run_cli("build", spec, "--output", root / "output", "--formats", "markdown,scorm12,scorm2004")
    assert result.exit_code == 0, result.stderr
    return root / "output/blended-teaching/dist"


@pytest.fixture(scope="module")
def dist(samples) -> Path:
    """The sample course's dist/, built offline (tests/samples.py)."""
    return samples / "output/blended-teaching/dist"


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_manifest_is_valid_and_complete(dist, version):
    name, schema = VERSIONS[version]
    archive = zipfile.ZipFile(dist / name)
    xml = archive.read("imsmanifest.xml")
    assert errors(schema(), xml) == []
    root = etree.fromstring(xml)
    ns = {"cp": CP[version], "adlcp": ADLCP[version]}
    default = root.find("cp:organizations", ns).get("default")
    assert root.find(f"cp:organizations/cp:organization[@identifier='{default}']", ns) is not None
    resources = {r.get("identifier"): r for r in root.iterfind("cp:resources/cp:resource", ns)}
    for item in root.iterfind(".//cp:item[@identifierref]", ns):
        assert item.get("identifierref") in resources
    names = set(archive.namelist())
    listed = {f.get("href") for f in root.iterfind(".//cp:file", ns)}
    assert listed == names - {"imsmanifest.xml"}  # every file listed is in the zip, and the reverse
    attribute = "scormtype" if version == "1.2" else "scormType"
    wrong = "scormType" if version == "1.2" else "scormtype"
    kinds = [r.get(f"{{{ADLCP[version]}}}{attribute}") for r in resources.values()]
    assert kinds.count("sco") == 8 and kinds.count("asset") == 1
    assert all(r.get(f"{{{ADLCP[version]}}}{wrong}") is None for r in resources.values())
    if version == "1.2":
        assert [m.text for m in root.iterfind(".//adlcp:masteryscore", ns)] == ["80"] * 8
    else:
        measures = root.findall(".//{http://www.imsglobal.org/xsd/imsss}minNormalizedMeasure")
        assert [m.text for m in measures] == ["0.8"] * 8


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_schema_catches_a_broken_manifest(dist, version):
    name, schema = VERSIONS[version]
    xml = zipfile.ZipFile(dist / name).read("imsmanifest.xml").replace(b"<title>", b"<titel>", 1).replace(b"</title>", b"</titel>", 1)
    assert errors(schema(), xml)


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_zip_is_deterministic_and_safe(dist, version, tmp_path):
    name, _ = VERSIONS[version]
    archive = zipfile.ZipFile(dist / name)
    infos = archive.infolist()
    assert infos[0].filename == "imsmanifest.xml" and [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) and not i.filename.startswith("/") and ".." not in i.filename for i in infos)
    other = build(tmp_path)
    assert (other / name).read_bytes() == (dist / name).read_bytes()
    for info in infos:  # everything the SCOs load is inside the zip
        if info.filename.endswith(".html"):
            html = archive.read(info).decode("utf-8")
            for ref in re.findall(r'(?:src|href)="([^"#]+)', html):
                assert ref in archive.namelist(), (info.filename, ref)


def test_one_sco_per_module_as_an_option(tmp_path):
    dist = build(tmp_path, "scorm: {sco: module}")
    for version, (name, schema) in VERSIONS.items():
        archive = zipfile.ZipFile(dist / name)
        assert errors(schema(), archive.read("imsmanifest.xml")) == []
        assert sorted(n for n in archive.namelist() if n.endswith(".html") and n != "sources.html") == ["m1.html", "m2.html", "m3.html"]
        html = archive.read("m1.html").decode("utf-8")
        assert html.count('class="quiz"') == 3 and len(re.findall(r'\bid="([^"]+)"', html)) == len(set(re.findall(r'\bid="([^"]+)"', html)))


# ---- the run-time, in Chromium against scorm-again ------------------------------------------


class LMS:
    """Serves the LMS page, scorm-again and an unpacked package on 127.0.0.1; records commits."""

    def __init__(self, package: Path):
        self.folder = package
        self.commits: list[dict] = []
        lms = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def translate_path(self, path):
                url = urlparse(path).path
                if url == "/lms.html":
                    return str(LMS_PAGE)
                if url.startswith("/scorm-again/"):
                    return str(JS / url.removeprefix("/scorm-again/"))
                if url.startswith("/sco/"):
                    return str(lms.folder / url.removeprefix("/sco/"))
                return str(lms.folder / "missing")

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                lms.commits.append({"final": "final=true" in self.path, "data": json.loads(body or b"{}")})
                answer = b'{"result":true,"errorCode":0}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @contextmanager
    def running(self):
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{self.server.server_address[1]}"
        finally:
            self.server.shutdown()
            self.server.server_close()


def take_quiz(frame, wrong: int) -> None:
    key = frame.evaluate("JSON.parse(document.querySelector('script.quiz-key').textContent)")
    for n, item in enumerate(key["items"]):
        fieldset = frame.locator("fieldset.item").nth(n)
        miss = n < wrong
        if item["kind"] == "cloze":
            fieldset.locator("input[type=text]").fill("wrong answer" if miss else item["accepted"][0])
        else:
            options = fieldset.locator("input[type=radio]")
            choice = next(k for k in range(options.count()) if k not in item["correct"]) if miss else item["correct"][0]
            options.nth(choice).check()
    frame.get_by_role("button").click()


def run_sco(tmp_path: Path, dist: Path, version: str, lesson: str, wrong: int) -> tuple[dict, list, list[dict], PageWatch]:
    name, _ = VERSIONS[version]
    package = tmp_path / f"unpacked-{version}"
    zipfile.ZipFile(dist / name).extractall(package)
    lms = LMS(package)
    with lms.running() as base, browser() as context:
        page = context.new_page()
        page.goto(f"{base}/lms.html?version={version}&sco={lesson}.html&mastery=80&pass=0.8")
        frame = page.frame_locator("#sco")
        frame.locator("button").wait_for()
        watch = PageWatch(page)
        sco = page.frames[1]
        watch_sco = PageWatch(sco.page)
        take_quiz(sco, wrong)
        time.sleep(0.3)
        page.evaluate("document.getElementById('sco').src = 'about:blank'")  # the learner leaves
        deadline = time.monotonic() + 10
        while not any(c["final"] for c in lms.commits) and time.monotonic() < deadline:
            time.sleep(0.05)
        data = page.evaluate("api.renderCMIToJSONObject()")
        log = page.evaluate("window.lmsLog")
        assert context.outside == []
        assert watch.errors == [] and watch_sco.errors == []
    return data, log, lms.commits, watch


VOCABULARY = {
    "1.2": {"types": {"choice", "true-false", "fill-in"}, "results": {"correct", "wrong"}, "time": r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$"},
    "2004": {"types": {"choice", "true-false", "fill-in"}, "results": {"correct", "incorrect"}, "time": r"^P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$"},
}


def interactions(data: dict) -> list[dict]:
    """scorm-again renders the interactions array as {"0": {...}, "1": {...}}."""
    raw = data["cmi"]["interactions"]
    return [raw[k] for k in sorted(raw, key=int)] if isinstance(raw, dict) else raw


@pytest.mark.parametrize("version", ["1.2", "2004"])
@pytest.mark.parametrize(("wrong", "passed"), [(0, True), (2, False)])
def test_sco_reports_to_a_real_lms_runtime(dist, tmp_path, version, wrong, passed):
    data, log, commits, _ = run_sco(tmp_path, dist, version, "m1-l1", wrong)
    assert [c for c in commits if c["final"]], "the final commit reached the LMS"
    methods = [entry["method"] for entry in log]
    init, finish = ("LMSInitialize", "LMSFinish") if version == "1.2" else ("Initialize", "Terminate")
    assert methods[0] == init and methods.count(init) == 1 and methods.count(finish) == 1 and methods[-1] == finish
    assert [e for e in log if e["error"] != "0"] == []  # every call returned without an error
    cmi = data["cmi"]
    score = round(100 * (5 - wrong) / 5)
    vocabulary = VOCABULARY[version]
    if version == "1.2":
        core = cmi["core"]
        assert core["lesson_status"] == ("passed" if passed else "failed")
        assert (float(core["score"]["raw"]), float(core["score"]["min"]), float(core["score"]["max"])) == (score, 0, 100)
        assert re.match(vocabulary["time"], core["session_time"]) and core["exit"] == ""
    else:
        assert (cmi["completion_status"], cmi["success_status"]) == ("completed", "passed" if passed else "failed")
        assert float(cmi["score"]["scaled"]) == score / 100 and float(cmi["score"]["raw"]) == score
        assert re.match(vocabulary["time"], cmi["session_time"]) and cmi["exit"] == "normal"
    records = interactions(data)
    assert len(records) == 5
    assert {r["type"] for r in records} <= vocabulary["types"]
    assert [r["result"] for r in records].count("correct") == 5 - wrong
    assert {r["result"] for r in records} <= vocabulary["results"]
    assert all(re.match(vocabulary["time"], r["latency"]) for r in records)
    assert all(r["id"].startswith("m1-l1-q") and r["correct_responses"] for r in records)
    assert json.loads(cmi["suspend_data"])["answers"]


def test_sco_opened_without_an_lms_works_as_a_page(dist, tmp_path):
    package = tmp_path / "alone"
    zipfile.ZipFile(dist / "scorm2004.zip").extractall(package)
    with browser() as context:
        page = context.new_page()
        watch = PageWatch(page)
        page.goto((package / "m1-l2.html").as_uri())
        take_quiz(page.main_frame, 0)
        assert page.locator(".result").text_content().startswith("Score: 5/5")
        page.goto("about:blank")
        assert watch.errors == [] and context.outside == []


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_every_sco_launches_and_terminates_cleanly(dist, tmp_path, version):
    name, _ = VERSIONS[version]
    package = tmp_path / "unpacked"
    zipfile.ZipFile(dist / name).extractall(package)
    lms = LMS(package)
    lessons = sorted(p.stem for p in package.glob("m*.html"))
    assert len(lessons) == 8
    with lms.running() as base, browser() as context:
        page = context.new_page()
        for lesson in lessons:
            page.goto(f"{base}/lms.html?version={version}&sco={lesson}.html&mastery=80&pass=0.8")
            page.frame_locator("#sco").locator("button").wait_for()
            take_quiz(page.frames[1], 0)
            page.evaluate("document.getElementById('sco').src = 'about:blank'")
            page.wait_for_function("window.lmsLog.some(e => e.method === 'LMSFinish' || e.method === 'Terminate')")
            log = page.evaluate("window.lmsLog")
            assert [e for e in log if e["error"] != "0"] == [], lesson
            status = page.evaluate("api.renderCMIToJSONObject().cmi")
            assert (status["core"]["lesson_status"] if version == "1.2" else status["success_status"]) == "passed", lesson
        assert context.outside == []


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_a_returning_learner_finds_their_answers(dist, tmp_path, version):
    name, _ = VERSIONS[version]
    package = tmp_path / "unpacked"
    zipfile.ZipFile(dist / name).extractall(package)
    saved = json.dumps({"answers": {"m1-l1-q1": 2, "m1-l1-q3": "flipped classroom"}})
    with LMS(package).running() as base, browser() as context:
        page = context.new_page()
        page.goto(f"{base}/lms.html?version={version}&sco=m1-l1.html&mastery=80&pass=0.8&suspend={saved}")
        frame = page.frame_locator("#sco")
        frame.locator("button").wait_for()
        assert frame.locator("fieldset.item").nth(0).locator("input[type=radio]").nth(2).is_checked()
        assert frame.locator("fieldset.item").nth(2).locator("input[type=text]").input_value() == "flipped classroom"
        assert [e for e in page.evaluate("window.lmsLog") if e["error"] != "0"] == []
