"""Incremental rebuild (item 2): a 100-lesson course (10 modules x 10 lessons, 301 tasks) built
through the fake OpenAI server, then rebuilt with nothing changed and with one lesson's key point
edited, each time with the real `courseware build` CLI in a subprocess.

Counted at the server: calls of the no-op rebuild (target 0) and of each edit (target exactly the
edited lesson's 3 tasks, and no request naming another lesson). Timed: the no-op rebuild as a
user waits for it, the whole CLI process (target under 2 s), median of the repetitions; also the
files whose bytes or mtime changed (target 0). The server keeps one port throughout: the base URL
is part of every content key.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from common import CLI, log, median, row, run, snapshot
from fake_openai import FakeOpenAI
from synthetic import edit_key_point, write_spec

MODULES, LESSONS_PER_MODULE = 10, 10
LESSON_IN_PROMPT = re.compile(r"lesson (m\d+-l\d+)")


def lessons_named(requests: list[dict]) -> set[str]:
    """The lesson ids the user messages of `requests` are about."""
    found = set()
    for request in requests:
        user = next((m["content"] for m in request["messages"] if m["role"] == "user"), "")
        match = LESSON_IN_PROMPT.search(user)
        found.add(match.group(1) if match else "course")
    return found


def main(repeats: int = 5) -> dict:
    server = FakeOpenAI(latency=0.0).start()
    env = dict(os.environ, OPENAI_API_KEY="sk-bench")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            spec = write_spec(Path(tmp) / "spec", LESSONS_PER_MODULE, modules=MODULES, slides_per_lesson=8, key_points=5, quiz_questions=5)
            out, cache = Path(tmp) / "out", Path(tmp) / "cache"
            args = [CLI, "build", str(spec), "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url,
                    "--jobs", "32", "--output", str(out), "--cache", str(cache), "--formats", "markdown"]  # fmt: skip

            def build() -> tuple[float, int, list[dict]]:
                server.reset_counters()
                proc = run(args, env)
                if proc.code != 0:
                    raise RuntimeError(f"build failed ({proc.code}): {proc.stderr[-2000:]}")
                return proc.wall, server.calls, list(server.requests)

            cold, cold_calls, _ = build()
            log(f"incremental: cold build {cold:.2f} s, {cold_calls} calls")
            noop_walls, noop_calls, changed = [], [], []
            for _ in range(repeats):
                before = snapshot(out)
                wall, calls, _ = build()
                noop_walls.append(wall)
                noop_calls.append(calls)
                after = snapshot(out)
                changed.append(sum(1 for k in set(before) | set(after) if before.get(k) != after.get(k)))
            edits = []
            for n, lesson in enumerate(["m3-l4", "m7-l0", "m9-l9"]):
                edit_key_point(spec, lesson, f"an edited key point number {n} about term 1 idea")
                wall, calls, requests = build()
                edits.append({"lesson": lesson, "calls": calls, "lessons_called": sorted(lessons_named(requests)), "seconds": round(wall, 3)})
            log(f"incremental: no-op {median(noop_walls):.2f} s, edits {[e['calls'] for e in edits]} calls")
    finally:
        server.stop()
    result = {
        "tasks": 1 + 3 * MODULES * LESSONS_PER_MODULE, "cold_build_calls": cold_calls, "cold_build_seconds": round(cold, 3),
        "noop_calls": noop_calls, "noop_seconds": [round(x, 3) for x in noop_walls], "noop_files_changed": changed,
        "noop_over_cold": median([x / cold for x in noop_walls]), "edits": edits,
    }  # fmt: skip
    noop = median(noop_walls)
    edits_ok = all(e["calls"] == 3 and e["lessons_called"] == [e["lesson"]] for e in edits)
    result["rows"] = [
        row("2. incremental: no-op rebuild, calls (max of reps)", max(noop_calls), "", "0", max(noop_calls) == 0),
        row("2. incremental: no-op rebuild, files changed", max(changed), "", "0", max(changed) == 0),
        row("2. incremental: no-op rebuild, CLI wall", round(noop, 2), "s", "< 2 s", noop < 2.0),
        row("2. incremental: no-op / cold build wall", round(result["noop_over_cold"], 2), "", "(context)"),
        row("2. incremental: one key point edited, calls", "/".join(str(e["calls"]) for e in edits), "", "3, that lesson only", edits_ok),
    ]
    return result


if __name__ == "__main__":
    print(json.dumps({k: v for k, v in main().items() if k != "rows"}, indent=1))
