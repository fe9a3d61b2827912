"""Start-up (item 4): `courseware --help`, `courseware validate course_specs/blended-teaching.yaml`
and a bare `python -c pass` (the venv's interpreter, for context), as subprocesses, interleaved,
median of 10 each. Target: under a quarter of a second for each courseware command. One run of
each under `python -X importtime` shows which top-level imports its start-up spends on.
"""

from __future__ import annotations

import json
import re

from common import CLI, PYTHON, ROOT, log, median, row, run

COMMANDS = {
    "courseware --help": [CLI, "--help"],
    "courseware validate blended-teaching.yaml": [CLI, "validate", "course_specs/blended-teaching.yaml"],
    "python -c pass": [PYTHON, "-c", "pass"],
}
TARGET = 0.25
IMPORT_LINE = re.compile(r"^import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)")


def top_imports(args: list[str], count: int = 8) -> dict[str, float]:
    """The heaviest top-level imports (cumulative ms) of running `args[1:]` as the CLI does."""
    code = f"import sys; sys.argv = {['courseware', *args[1:]]!r}; from courseware.cli import main; main()"
    proc = run([PYTHON, "-X", "importtime", "-c", code], cwd=ROOT)
    found = {}
    for line in proc.stderr.splitlines():
        match = IMPORT_LINE.match(line)
        if match and not match.group(2):  # not indented: imported by the program, not by another module
            found[match.group(3)] = found.get(match.group(3), 0) + int(match.group(1)) / 1000
    return dict(sorted(found.items(), key=lambda item: -item[1])[:count])


def main(repeats: int = 10) -> dict:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(repeats):
        for name, args in COMMANDS.items():
            proc = run(args, cwd=ROOT)
            if proc.code != 0:
                raise RuntimeError(f"{name} failed: {proc.stderr[-2000:]}")
            times[name].append(proc.wall)
    medians = {name: median(values) for name, values in times.items()}
    log("startup: " + ", ".join(f"{k} {v:.3f} s" for k, v in medians.items()))
    result = {"seconds": {k: [round(x, 4) for x in v] for k, v in times.items()}, "median_seconds": {k: round(v, 4) for k, v in medians.items()}}
    result["over_bare_python"] = {k: round(v / medians["python -c pass"], 1) for k, v in medians.items() if k != "python -c pass"}
    result["top_imports_ms"] = {name: top_imports(COMMANDS[name]) for name in COMMANDS if name.startswith("courseware")}
    result["rows"] = [
        row(f"4. start-up: {name}", round(medians[name], 3), "s", "< 0.25 s" if name.startswith("courseware") else "(context)", medians[name] < TARGET if name.startswith("courseware") else None)
        for name in COMMANDS
    ]
    return result


if __name__ == "__main__":
    print(json.dumps({k: v for k, v in main().items() if k != "rows"}, indent=1))
