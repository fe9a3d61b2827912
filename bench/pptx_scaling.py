"""PPTX deck build time at about 200 and 1,000 slides with notes (item 3, second half), measured in
one run against pandoc converting the same slides and against python-pptx's own part naming.

Decks come from bench/synthetic.course_with_slides: a title slide, an objectives slide, and per
lesson a section slide and 10 outline slides (3 bullets, notes each): 18 lessons = 200 slides,
91 lessons = 1,003. Ours is `Deck(...).build()` in this process (the bytes of the .pptx, no
interpreter start); pandoc is `pandoc --slide-level=2 in.md -o out.pptx` on the same slides as
pandoc markdown (`#` section, `##` slide, bullets, `::: notes`), a process of its own; both decks
are checked to have the same number of slides. Runs are interleaved and each ratio is the median
of per-repetition ratios. Targets: ours / pandoc at 1,000 slides <= 0.2; ours 1,000 / 200 <= 6.
When the first misses, one cProfile run of ours at 1,000 slides shows where the time goes.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from io import BytesIO
from pathlib import Path

from common import log, median, row

import courseware.render.pptx as pptx_renderer  # noqa: E402  (common put the project on sys.path)
from courseware.render.templates import BUILT_IN  # noqa: E402
from synthetic import course_with_slides, pandoc_markdown  # noqa: E402

SIZES = {"200": 18, "1000": 91}  # lessons per deck: 2 + 11 x lessons slides
TEMPLATE = BUILT_IN / "pptx/template.pptx"
PROFILED = {
    "slides.add_slide (new part, layout placeholders cloned)": ("pptx/slide.py", "add_slide"),
    "  of which the next slide id (a scan of every slide id)": ("pptx/oxml/presentation.py", "_next_id"),
    "notes slides (new part, notes master placeholders cloned)": ("pptx/slide.py", "notes_slide"),
    "placeholder sizes inherited from layout and master": ("pptx/shapes/placeholder.py", "_effective_value"),
    "text fitting (fit.pages, fit.title_size)": ("courseware/render/fit.py", "pages|title_size"),
    "text runs (_set_text)": ("courseware/render/pptx.py", "_set_text"),
    "Presentation.save (serialize, deflate)": ("pptx/presentation.py", "save"),
    "_deterministic (save + rewrite the zip, deflating again)": ("courseware/render/pptx_package.py", "_deterministic"),
}


def slide_count(data: bytes) -> int:
    with zipfile.ZipFile(BytesIO(data)) as deck:
        return sum(1 for name in deck.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", name))


def ours(course, naive: bool = False) -> tuple[float, bytes]:
    """Seconds to build the module deck of `course` (python-pptx's own part naming when naive)."""
    fast = pptx_renderer._linear
    if naive:
        pptx_renderer._linear = lambda prs: None
    try:
        start = time.perf_counter()
        data = pptx_renderer.Deck(course, TEMPLATE, "Bench", course.lessons, sections=False).build()
        return time.perf_counter() - start, data
    finally:
        pptx_renderer._linear = fast


def pandoc(markdown: Path) -> tuple[float, bytes]:
    target = markdown.with_suffix(".pptx")
    start = time.perf_counter()
    subprocess.run(["pandoc", "--slide-level=2", str(markdown), "-o", str(target)], check=True)
    return time.perf_counter() - start, target.read_bytes()


def profile(course) -> dict:
    """Shares of our 1,000-slide build under cProfile, by the functions in PROFILED."""
    profiler = cProfile.Profile()
    profiler.enable()
    ours(course)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # (file, line, name) -> (cc, nc, tt, ct, callers)
    total = next(ct for (file, _, name), (_, _, _, ct, _) in stats.items() if file.endswith("courseware/render/pptx.py") and name == "build")
    shares = {}
    for label, (suffix, names) in PROFILED.items():
        cumulative = sum(ct for (file, _, name), (_, _, _, ct, _) in stats.items() if file.endswith(suffix) and re.fullmatch(names, name))
        shares[label] = round(cumulative / total, 3)
    return {"profiled_seconds": round(total, 3), "share_of_build": shares}


def main(repeats: int = 3) -> dict:
    has_pandoc = shutil.which("pandoc") is not None
    with tempfile.TemporaryDirectory() as tmp:
        courses = {size: course_with_slides(Path(tmp) / size, lessons) for size, lessons in SIZES.items()}
        markdown = {}
        for size, course in courses.items():
            markdown[size] = Path(tmp) / f"deck{size}.md"
            markdown[size].write_text(pandoc_markdown(course, "Bench"), "utf-8")
        times: dict[str, list[float]] = {f"{who}{size}": [] for who in ("ours", "pandoc") for size in SIZES}
        slides: dict[str, int] = {}
        for r in range(repeats):
            for size, course in courses.items():
                seconds, data = ours(course)
                times[f"ours{size}"].append(seconds)
                slides[f"ours{size}"] = slide_count(data)
                if has_pandoc:
                    seconds, data = pandoc(markdown[size])
                    times[f"pandoc{size}"].append(seconds)
                    slides[f"pandoc{size}"] = slide_count(data)
            log(f"pptx: repetition {r + 1}/{repeats}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items() if v))
        naive = {size: ours(course, naive=True)[0] for size, course in courses.items()}
        log(f"pptx: plain python-pptx {naive['200']:.2f} s, {naive['1000']:.2f} s")
        result = {
            "slides": slides, "seconds": {k: [round(x, 3) for x in v] for k, v in times.items()},
            "ours_1000_over_200": median([b / a for a, b in zip(times["ours200"], times["ours1000"])]),
            "plain_python_pptx_seconds": {k: round(v, 3) for k, v in naive.items()},
            "plain_python_pptx_1000_over_200": naive["1000"] / naive["200"],
        }  # fmt: skip
        if has_pandoc:
            result["ours_over_pandoc_1000"] = median([a / b for a, b in zip(times["ours1000"], times["pandoc1000"])])
            result["ours_over_pandoc_200"] = median([a / b for a, b in zip(times["ours200"], times["pandoc200"])])
            result["pandoc_1000_over_200"] = median([b / a for a, b in zip(times["pandoc200"], times["pandoc1000"])])
            result["pandoc_version"] = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
            if result["ours_over_pandoc_1000"] > 0.2:
                result["profile_1000"] = profile(courses["1000"])
    same = has_pandoc and all(slides[f"ours{s}"] == slides[f"pandoc{s}"] for s in SIZES)
    vs = result.get("ours_over_pandoc_1000")
    result["rows"] = [
        row("3. pptx: slides, ours / pandoc (200, 1000)", f"{slides['ours200']}/{slides.get('pandoc200', '-')}, {slides['ours1000']}/{slides.get('pandoc1000', '-')}", "", "equal", same),
        row("3. pptx: ours / pandoc at 1,000 slides", round(vs, 3) if vs is not None else "no pandoc", "", "<= 0.2", vs is not None and vs <= 0.2),
        row("3. pptx: ours / pandoc at 200 slides", round(result["ours_over_pandoc_200"], 3) if has_pandoc else "no pandoc", "", "(context)"),
        row("3. pptx: ours, 1,000 / 200 slides", round(result["ours_1000_over_200"], 2), "x", "<= 6", result["ours_1000_over_200"] <= 6),
        row("3. pptx: pandoc, 1,000 / 200 slides", round(result["pandoc_1000_over_200"], 2) if has_pandoc else "no pandoc", "x", "(context)"),
        row("3. pptx: plain python-pptx, 1,000 / 200 slides", round(result["plain_python_pptx_1000_over_200"], 2), "x", "(context)"),
    ]
    return result


if __name__ == "__main__":
    print(json.dumps({k: v for k, v in main().items() if k != "rows"}, indent=1))
