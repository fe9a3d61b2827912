"""Big sources (issue 9, item 7): the sample course plus a generated 50 MB markdown handbook
(tests/handbook.py: chapters, sections, paragraphs, lists, tens of thousands of bold terms), built
offline to every format with the real `courseware build` in a subprocess, from nothing each
time: CLI wall (and CPU) and the child's own peak RSS (bench/rusage.py), median of the repetitions.

Then the same course re-rendered to both SCORM packages with an SCO a lesson (8) and an SCO a
module (3), interleaved: the ratio of their peak RSS (memory must not grow with the SCOs), and
the size of the sources page in scorm12.zip against the handbook's (it holds the cited sections
only, once). Before the fix this build took 4 min 16 s and 1.28 GB, and each package held a
55 MB sources page.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from common import ALL_FORMATS, PYTHON, ROOT, log, median, row, run
from synthetic import write_big_course

MEGABYTES = 50
COMMAND = [PYTHON, "-m", "courseware"]  # the checkout's courseware (PYTHONPATH below), venv or not


def main(repeats: int = 3) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        spec = write_big_course(Path(tmp) / "course", MEGABYTES)
        handbook_bytes = (spec.parent / "sources" / "handbook.md").stat().st_size
        walls, rss, cpu, out = [], [], [], Path(tmp) / "out"
        for r in range(repeats):
            shutil.rmtree(out, ignore_errors=True)
            proc = run([*COMMAND, "build", str(spec), "--provider", "offline", "--output", str(out), "--formats", ALL_FORMATS], env=env, own_rss=True)
            if proc.code != 0:
                raise RuntimeError(f"build failed ({proc.code}): {proc.stderr[-2000:]}")
            walls.append(proc.wall)
            rss.append(proc.maxrss_kb)
            cpu.append(proc.cpu)
            log(f"big_source: build {r + 1}/{repeats}: {proc.wall:.1f} s, {proc.maxrss_kb / 1024:.0f} MiB")
        warned = proc.stderr.count("warning: ")
        by_module = spec.parent / "by-module.yaml"
        by_module.write_text(spec.read_text("utf-8") + "scorm: {sco: module}\n", "utf-8")
        sco_rss: dict[str, list[int]] = {"lesson": [], "module": []}
        for _ in range(repeats):
            for unit, path in (("lesson", spec), ("module", by_module)):
                proc = run([*COMMAND, "render", str(path), "--output", str(out), "--formats", "scorm12,scorm2004"], env=env, own_rss=True)
                if proc.code != 0:
                    raise RuntimeError(f"render failed ({proc.code}): {proc.stderr[-2000:]}")
                sco_rss[unit].append(proc.maxrss_kb)
        with zipfile.ZipFile(out / "blended-teaching" / "dist" / "scorm12.zip") as archive:
            sources_pages = [i.file_size for i in archive.infolist() if i.filename.endswith("sources.html")]
    wall, peak = median(walls), median(rss) / 1024
    sco_ratio = median(sco_rss["lesson"]) / median(sco_rss["module"])
    page_share = sum(sources_pages) / handbook_bytes
    result = {
        "megabytes": MEGABYTES, "handbook_bytes": handbook_bytes, "seconds": [round(x, 2) for x in walls], "cpu_seconds": [round(x, 2) for x in cpu], "maxrss_mib": [round(x / 1024, 1) for x in rss],
        "warnings_printed": warned, "render_scorm_maxrss_mib": {k: [round(x / 1024, 1) for x in v] for k, v in sco_rss.items()},
        "sources_pages_in_scorm12": sources_pages,
    }  # fmt: skip
    result["rows"] = [
        row(f"7. build a {MEGABYTES} MB source, all formats: CLI wall", round(wall, 1), "s", "< 60 s", wall < 60),
        row(f"7. build a {MEGABYTES} MB source: peak RSS", round(peak), "MiB", "< 1024 MiB", peak < 1024),
        row("7. render SCORM, 8 SCOs / 3 SCOs: peak RSS", round(sco_ratio, 3), "", "<= 1.1", sco_ratio <= 1.1),
        row("7. scorm12.zip sources page / source size", round(page_share, 4), "", "one page, < 0.01", len(sources_pages) == 1 and page_share < 0.01),
    ]
    return result


if __name__ == "__main__":
    print(json.dumps({k: v for k, v in main().items() if k != "rows"}, indent=1))
