"""Run one courseware command in this process and time only the command, not the interpreter's
start or the imports: `python bench/child.py REPORT.json PROFILE -- build SPEC ...`.

REPORT.json gets {"exit_code", "seconds", "cpu_seconds", "phases"}. PROFILE is "" (no
instrumentation), "generation" or "render": then chosen functions are wrapped to add up, per
phase, the CPU time of the thread that ran them (time.thread_time, so 32 threads waiting on the
GIL or the network are not counted), their wall time summed over calls, and their call count.
PROFILE may name several, comma-separated.
"""

from __future__ import annotations

import collections
import json
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openai  # noqa: E402,F401  (imported before the clock starts, as is everything below)

import courseware.build as build  # noqa: E402
import courseware.cli as cli  # noqa: E402
import courseware.render as render  # noqa: E402
from courseware.generate import chat, contracts, language, openai_provider  # noqa: E402
from courseware.generate.cache import ResponseCache  # noqa: E402
from courseware.generate.prompts import PromptSet  # noqa: E402
from courseware.writer import Writer  # noqa: E402

PHASES: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0, 0.0])
_lock = threading.Lock()


def wrap(owner: object, name: str, label: str) -> None:
    """Replace owner.name (or owner[name] in a dict) by a wrapper adding [thread CPU, wall, calls, process CPU] to PHASES[label]."""
    original = owner[name] if isinstance(owner, dict) else getattr(owner, name)
    PHASES[label]  # reports list the phases in the order they were wrapped

    def timed(*args, **kwargs):
        cpu, wall, process = time.thread_time(), time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            with _lock:
                phase = PHASES[label]
                phase[0] += time.thread_time() - cpu
                phase[1] += time.perf_counter() - wall
                phase[2] += 1
                phase[3] += time.process_time() - process

    if isinstance(owner, dict):
        owner[name] = timed
    else:
        setattr(owner, name, timed)


def instrument(profile: str) -> None:
    """Apply each comma-separated PROFILE name."""
    for name in filter(None, profile.split(",")):
        _instrument(name)


def _instrument(profile: str) -> None:
    if profile == "generation":
        wrap(build, "load_spec", "load spec")
        wrap(build, "plan_course", "plan (spec, sources, content keys)")
        wrap(openai_provider.OpenAIProvider, "identity", "  of which provider identity, once a task")
        wrap(build, "run_tasks", "generation (run_tasks; its process_cpu is every thread's)")
        wrap(openai_provider.OpenAIProvider, "_passages", "  retrieval (BM25 passages)")
        wrap(openai_provider.OpenAIProvider, "_user_prompt", "  prompt rendering")
        wrap(PromptSet, "compile", "    of which template compile")
        wrap(chat.Chat, "_complete", "  request: SDK, HTTP, JSON")
        wrap(openai_provider.OpenAIProvider, "_convert", "  answer validation")
        wrap(language, "check", "  language check")
        wrap(ResponseCache, "get", "  response cache get")
        wrap(ResponseCache, "put", "  response cache put")
        wrap(contracts, "json_schema", "contracts.json_schema (in identity and in each request)")
        wrap(build, "render_file", "writing: markdown text of each task")
        wrap(Writer, "write_text", "Writer.write_text: content files (fsync), kept copies, cache entries")
        wrap(build, "_render", "read back and render (markdown only)")
    elif profile == "render":
        wrap(build, "load_spec", "load spec")
        wrap(build, "read_course", "read reviewed markdown")
        render._discover()
        for name in list(render.RENDERERS):
            wrap(render.RENDERERS, name, f"render {name}")
    else:
        raise SystemExit(f"unknown profile {profile!r}")


def _children_cpu() -> float:
    """The CPU seconds of the reaped children: a build's forked processes (generate/forked.py)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    report, profile = Path(sys.argv[1]), sys.argv[2]
    args = sys.argv[sys.argv.index("--") + 1 :]
    instrument(profile)
    started_at = time.time()  # when the command started, for timelines against a server's clock
    start, cpu, forked = time.perf_counter(), time.process_time(), _children_cpu()
    try:
        cli.app(args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    seconds, cpu, forked = time.perf_counter() - start, time.process_time() - cpu, _children_cpu() - forked
    phases = {k: {"cpu": round(v[0], 4), "wall_sum": round(v[1], 4), "calls": v[2], "process_cpu": round(v[3], 4)} for k, v in PHASES.items()}
    report.write_text(json.dumps({"exit_code": code, "seconds": seconds, "cpu_seconds": cpu + forked, "forked_cpu_seconds": forked, "phases": phases, "started_at": started_at}), "utf-8")
    sys.exit(code)


if __name__ == "__main__":
    main()
