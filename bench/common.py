"""Helpers shared by the benchmark scripts: paths, child processes with their own resource usage,
medians, and the rows of the results table."""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
CLI = str(ROOT / ".venv" / "bin" / "courseware")
CHILD = str(BENCH / "child.py")
ALL_FORMATS = "markdown,html,pptx,scorm12,scorm2004,qti21,moodle_xml,gift,badge"

for folder in (ROOT, BENCH, ROOT / "tests"):  # courseware, the bench modules, tests/fake_openai.py
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

# An installed wheel has its bytecode compiled (pip and `uv --compile-bytecode` do it); this
# checkout's editable install does not, and with PYTHONDONTWRITEBYTECODE set every measured
# command would compile courseware's modules again (about 0.3 s of CPU in a live build). Compiled
# here, so the bench measures the installed tool, as the SDK it is compared with is measured.
compileall.compile_dir(str(ROOT / "courseware"), quiet=1)


@dataclass
class Proc:
    """A finished child process: wall seconds, its own peak memory and CPU, exit code, output."""

    wall: float
    maxrss_kb: int
    cpu: float
    code: int
    stdout: str
    stderr: str


def run(args: list[str], env: dict | None = None, cwd: Path = ROOT, own_rss: bool = False) -> Proc:
    """Run `args`, waiting with wait4 so the resource usage is this child's alone.

    With own_rss the command is spawned by bench/rusage.py, a small launcher, so that its peak RSS
    does not include this (large) process's; wall and CPU are then the launcher's figures too.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "rusage.json"
        command = [PYTHON, str(BENCH / "rusage.py"), str(report), "--", *args] if own_rss else args
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        proc = Proc(wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, child.returncode, out.read(), err.read())
        if own_rss and report.exists():
            measured = json.loads(report.read_text("utf-8"))
            proc.wall, proc.maxrss_kb, proc.cpu = measured["seconds"], measured["maxrss_kb"], measured["cpu_seconds"]
        return proc


def run_child(cli_args: list[str], env: dict | None = None, profile: str = "") -> tuple[Proc, dict]:
    """Run a courseware command through bench/child.py: (the process, the child's JSON report)."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        proc = run([PYTHON, CHILD, str(report), profile, "--", *cli_args], env=env)
        data = json.loads(report.read_text("utf-8")) if report.exists() else {}
    if proc.code != 0 or data.get("exit_code") != 0:
        raise RuntimeError(f"courseware {' '.join(cli_args[:2])} failed ({proc.code}): {proc.stderr[-2000:]}")
    return proc, data


def median(values: list[float]) -> float:
    return statistics.median(values)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below `folder` with its (mtime_ns, size)."""
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.rglob("*")) if p.is_file()}


def row(metric: str, value: float | int | str, unit: str = "", target: str = "", met: bool | None = None) -> dict:
    """One line of the results table; `met` is None where the brief sets no target."""
    return {"metric": metric, "value": value, "unit": unit, "target": target or "-", "met": met}


def log(message: str) -> None:
    """Progress on stderr, so stdout keeps only the table."""
    print(message, file=sys.stderr, flush=True)
