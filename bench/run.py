"""Run every benchmark, print a table (metric, value, target, met) and write bench/results.json.

`make bench` runs this. Each figure is a ratio or a count from this one run, the median of
several repetitions; the inputs are generated into temporary folders. Items:
  1 and 5  bench/generation.py   499 tasks at 32 in flight against the fake OpenAI server
  2        bench/incremental.py  no-op and one-edit rebuilds of a 100-lesson course
  3        bench/rendering.py    the 100-lesson course to every format
  3        bench/pptx_scaling.py 200- and 1,000-slide decks, ours against pandoc
  4        bench/startup.py      `courseware --help`, `courseware validate`, `python -c pass`
  7        bench/big_source.py   a 50 MB markdown source built to every format; SCORM memory by SCOs
  8        bench/readers.py      each source format's fixture read; a 51-page PDF, a 60-slide deck
  9        bench/catalogue.py    10, 50 and 100 courses of 10 lessons planned into a batch file
Where a target is missed, the item's own profile is printed under the table. Exits 1 only when
an item could not run; a missed target is reported, not an error.
"""

from __future__ import annotations

import json
import os
import platform
import time
import traceback
from datetime import datetime, timezone

import big_source
import catalogue
import generation
import incremental
import pptx_scaling
import readers
import rendering
import startup
from common import BENCH, log, row

ITEMS = [("startup", startup), ("pptx_scaling", pptx_scaling), ("generation", generation), ("incremental", incremental), ("rendering", rendering), ("big_source", big_source), ("readers", readers), ("catalogue", catalogue)]


def table(rows: list[dict]) -> str:
    head = ("metric", "value", "target", "met")
    lines = [(r["metric"], f"{r['value']} {r['unit']}".strip(), r["target"], {True: "yes", False: "NO", None: "-"}[r["met"]]) for r in rows]
    widths = [max(len(str(x[i])) for x in [head, *lines]) for i in range(4)]
    fmt = "  ".join(f"{{:{w}}}" for w in widths)
    return "\n".join([fmt.format(*head), fmt.format(*("-" * w for w in widths)), *(fmt.format(*line) for line in lines)])


def profiles(results: dict) -> str:
    """The 'where the time goes' sections of the items that measured one."""
    out = []
    gen = results.get("generation", {}).get("profile")
    if gen:
        out += ["", "1. generation, where the time goes (one instrumented build):",
                f"   build {gen['build_seconds']} s = " + ", ".join(f"{k} {v} s" for k, v in gen["wall_split"].items()),
                f"   generation: client CPU {gen['generation_cpu_seconds']} s, busy {gen['generation_cpu_busy']:.0%} of its wall (one GIL);"
                f" {gen['cpu_ms_per_task']} ms CPU a task against a budget of {gen['cpu_budget_ms_per_task']} ms (0.2 s / 32)",
                f"   a task holds one of the 32 slots {gen['slot_ms_per_task']} ms (ideal 200; the bare SDK replay: "
                f"{results['generation'].get('sdk_replay_slot_ms_per_request')} ms a request)",
                f"   unprofiled builds: {results['generation'].get('overhead_wall_ms_per_task')} ms of wall and "
                f"{results['generation'].get('overhead_cpu_ms_per_task')} ms of CPU a task more than the bare SDK's a request",
                "   by phase (indented = part of the line above): thread CPU, wall a call, calls"]  # fmt: skip
        out += [f"     {k:62} {v['thread_cpu_s']:7.3f} s CPU {v['wall_ms_per_call']:9.2f} ms a call {v['calls']:5} calls" for k, v in gen["phases"].items()]
    pptx = results.get("pptx_scaling", {}).get("profile_1000")
    if pptx:
        out += ["", f"3. pptx at 1,003 slides, share of our build time under cProfile ({pptx['profiled_seconds']} s profiled):"]
        out += [f"     {k:62} {v:6.1%}" for k, v in pptx["share_of_build"].items()]
    render = results.get("rendering", {}).get("share_by_phase")
    if render:
        out += ["", "3. render all formats, share of the render time by phase:", "     " + ", ".join(f"{k} {v:.1%}" for k, v in render.items() if v >= 0.005)]
    imports = results.get("startup", {}).get("top_imports_ms")
    if imports:
        out += ["", "4. start-up, heaviest top-level imports (ms, one -X importtime run):"]
        out += [f"     {name}: " + ", ".join(f"{k} {v:.0f}" for k, v in found.items()) for name, found in imports.items()]
    return "\n".join(out)


def main() -> int:
    start = time.perf_counter()
    results: dict = {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_average_at_start": os.getloadavg()},
    }
    rows = []
    for name, module in ITEMS:
        log(f"== {name}")
        try:
            result = module.main()
        except Exception as exc:  # one broken item must not hide the others' figures
            traceback.print_exc()
            result = {"error": f"{type(exc).__name__}: {exc}", "rows": [row(f"{name}: failed", str(exc)[:60], "", "runs", False)]}
        rows += result.pop("rows")
        results[name] = result
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["seconds"] = round(time.perf_counter() - start, 1)
    results["table"] = rows
    (BENCH / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n", "utf-8")
    print(table(rows))
    print(profiles(results))
    missed = [r["metric"] for r in rows if r["met"] is False]
    print(f"\n{len(missed)} of {len(rows)} rows missed their target. Took {results['seconds']} s; wrote {BENCH / 'results.json'}")
    return 1 if any("error" in results[name] for name, _ in ITEMS) else 0  # a missed target is a finding, a crash is a failure


if __name__ == "__main__":
    raise SystemExit(main())
