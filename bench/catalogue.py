"""A catalogue through a batch (item 9): 10, 50 and 100 synthetic courses of 10 lessons (31 tasks
each) planned, their every request collected and written as a batch input file, with
`courseware batch export` in a subprocess (no server: a batch round asks nothing). Reported: wall
seconds and peak memory at each size, the requests and bytes written, and whether the time grows
linearly: the seconds each course adds from 10 to 50 courses against from 50 to 100 (1.0: linear).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from common import CLI, log, row, run
from synthetic import write_spec

LESSONS = 10
SIZES = (10, 50, 100)
BASE_URL = "http://127.0.0.1:9/v1"  # never asked: every request goes into the file


def write_catalogue(folder: Path, courses: int) -> Path:
    """`courses` specs in one folder, each with its own id and source."""
    template = Path(tempfile.mkdtemp(dir=folder))
    spec = write_spec(template, LESSONS, slides_per_lesson=6, key_points=4, quiz_questions=5)
    catalogue = folder / f"catalogue-{courses}"
    (catalogue / "sources").mkdir(parents=True)
    text = spec.read_text("utf-8")
    for n in range(courses):
        (catalogue / "sources" / f"{n:03d}.md").write_text((template / "source.md").read_text("utf-8").replace("Generated source", f"Generated source {n}"), "utf-8")
        mine = text.replace("id: bench,", f"id: bench-{n:03d},").replace("title: Benchmark course", f"title: Benchmark course {n}").replace("sources: [source.md]", f"sources: [sources/{n:03d}.md]")
        (catalogue / f"course-{n:03d}.yaml").write_text(mine, "utf-8")
    shutil.rmtree(template)
    return catalogue


def main() -> dict:
    rows, measured = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for courses in SIZES:
            catalogue = write_catalogue(Path(tmp), courses)
            out = Path(tmp) / f"requests-{courses}.jsonl"
            args = [CLI, "batch", "export", str(catalogue), "--to", str(out), "--provider", "openai", "--model", "bench-model", "--base-url", BASE_URL,
                    "--output", str(Path(tmp) / f"out-{courses}"), "--batches", str(Path(tmp) / f"batches-{courses}")]  # fmt: skip
            proc = run(args, own_rss=True, cwd=Path(tmp))
            if proc.code != 0:
                raise RuntimeError(f"batch export of {courses} courses failed ({proc.code}): {proc.stderr[-2000:]}")
            lines = out.read_bytes().count(b"\n")
            measured[courses] = {"seconds": round(proc.wall, 2), "peak_mib": round(proc.maxrss_kb / 1024), "requests": lines, "megabytes": round(out.stat().st_size / 2**20, 1)}
            log(f"catalogue: {courses} courses x {LESSONS} lessons: {proc.wall:.1f} s, {proc.maxrss_kb / 1024:.0f} MiB, {lines} requests, {measured[courses]['megabytes']} MB")
    for courses in SIZES:
        m = measured[courses]
        rows.append(row(f"catalogue: {courses} courses x {LESSONS} lessons planned into a batch file (batch export): wall, peak memory", f"{m['seconds']} s, {m['peak_mib']} MiB, {m['requests']} requests, {m['megabytes']} MB"))
    (a, b, c) = (measured[n] for n in SIZES)
    early = (b["seconds"] - a["seconds"]) / (SIZES[1] - SIZES[0])
    late = (c["seconds"] - b["seconds"]) / (SIZES[2] - SIZES[1])
    rows.append(row(f"catalogue: seconds a course adds, {SIZES[1]}->{SIZES[2]} courses over {SIZES[0]}->{SIZES[1]} (linear: 1.0; {early:.2f} s then {late:.2f} s a course)", round(late / early, 2), "x", "<= 1.3", late / early <= 1.3))
    rows.append(row(f"catalogue: peak memory, {SIZES[-1]} courses over {SIZES[0]}", round(c["peak_mib"] / a["peak_mib"], 1), "x", f"< {SIZES[-1] // SIZES[0]}", c["peak_mib"] / a["peak_mib"] < SIZES[-1] // SIZES[0]))
    return {"rows": rows, "measured": measured}


if __name__ == "__main__":
    print(main())
