"""Rendering (item 3, first half): the 100-lesson course (10 modules x 10 lessons), built offline
so its markdown has real-length texts with citations, rendered to every format with the real
`courseware render --formats ...` in a subprocess: wall time and the child's own peak RSS
(os.wait4 in bench/rusage.py), median of the repetitions. One more render through bench/child.py ("render")
splits the time by format.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from pathlib import Path

from common import ALL_FORMATS, CLI, log, median, row, run, run_child
from synthetic import write_spec

MODULES, LESSONS_PER_MODULE = 10, 10


def main(repeats: int = 3) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        spec = write_spec(Path(tmp) / "spec", LESSONS_PER_MODULE, modules=MODULES, slides_per_lesson=8, key_points=5, quiz_questions=5, slides_quiz=True)
        out = Path(tmp) / "out"
        built = run([CLI, "build", str(spec), "--provider", "offline", "--output", str(out), "--formats", "markdown"])
        if built.code != 0:
            raise RuntimeError(f"offline build failed: {built.stderr[-2000:]}")
        args = ["render", str(spec), "--output", str(out), "--formats", ALL_FORMATS]
        walls, rss = [], []
        for r in range(repeats):
            proc = run([CLI, *args], own_rss=True)
            if proc.code != 0:
                raise RuntimeError(f"render failed: {proc.stderr[-2000:]}")
            walls.append(proc.wall)
            rss.append(proc.maxrss_kb)
            log(f"rendering: render {r + 1}/{repeats}: {proc.wall:.2f} s, {proc.maxrss_kb / 1024:.0f} MiB")
        _, report = run_child(args, profile="render")
        dist = out / "bench" / "dist"
        outputs = {p.name: p.stat().st_size for p in sorted(dist.iterdir()) if p.is_file()}
        pages = len(list((dist / "html").rglob("*.html")))
        with zipfile.ZipFile(dist / "bench.pptx") as deck:
            slides = sum(1 for name in deck.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", name))
    total = report["seconds"]
    shares = {k: round(v["wall_sum"] / total, 3) for k, v in report["phases"].items()}
    result = {
        "lessons": MODULES * LESSONS_PER_MODULE, "formats": ALL_FORMATS.split(","), "seconds": [round(x, 3) for x in walls],
        "maxrss_mib": [round(x / 1024, 1) for x in rss], "offline_build_seconds": round(built.wall, 3),
        "share_by_phase": shares, "outputs_bytes": outputs, "html_pages": pages, "course_deck_slides": slides,
    }  # fmt: skip
    result["rows"] = [
        row("3. render all 9 formats, 100 lessons: CLI wall", round(median(walls), 2), "s", "(report)"),
        row("3. render all 9 formats, 100 lessons: peak RSS", round(median(rss) / 1024), "MiB", "(report)"),
        row("3. render: pptx share of render time", shares.get("render pptx", 0.0), "", "(report)"),
    ]
    return result


if __name__ == "__main__":
    print(json.dumps({k: v for k, v in main().items() if k != "rows"}, indent=1))
