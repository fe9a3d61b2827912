"""PPTX deck build time at about 200 and 1,000 slides with notes: ours, and python-pptx's own part
naming (what it costs without our fix), measured in one run. Prints a ratio, the target is <= 6."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import courseware.render.pptx as pptx_renderer  # noqa: E402
from courseware.render.templates import BUILT_IN  # noqa: E402
from synthetic import course_with_slides  # noqa: E402


def build_seconds(lessons: int, naive: bool, repeats: int) -> tuple[float, int]:
    """Median seconds to build a module deck of `lessons` lessons (11 slides each, +2)."""
    with tempfile.TemporaryDirectory() as folder:
        course = course_with_slides(Path(folder), lessons)
        fast = pptx_renderer._linear
        if naive:
            pptx_renderer._linear = lambda prs: None
        try:
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                data = pptx_renderer.Deck(course, BUILT_IN / "pptx/template.pptx", "Bench", course.lessons, sections=False).build()
                times.append(time.perf_counter() - start)
        finally:
            pptx_renderer._linear = fast
        from io import BytesIO

        from pptx import Presentation

        return statistics.median(times), len(Presentation(BytesIO(data)).slides)


def main() -> dict:
    results = {}
    for naive in (False, True):
        small, n_small = build_seconds(18, naive, 3)
        large, n_large = build_seconds(91, naive, 3 if not naive else 1)
        label = "plain python-pptx" if naive else "courseware"
        results[label] = {"slides": [n_small, n_large], "seconds": [round(small, 3), round(large, 3)], "ratio": round(large / small, 2)}
        print(f"{label:20} {n_small} slides {small:.2f} s, {n_large} slides {large:.2f} s, ratio {large / small:.2f}")
    return results


if __name__ == "__main__":
    main()
