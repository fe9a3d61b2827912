"""Run a command and report its own wall time and peak RSS: `python bench/rusage.py OUT.json -- CMD...`.

Why a launcher: on Linux a child's ru_maxrss also counts the process it was forked from (exec
records the old address space's peak), so children of the big benchmark process would report
its memory as theirs. Spawned from this small process instead, the command reports its own.
OUT.json gets {"seconds", "maxrss_kb", "cpu_seconds", "exit_code"}; the command's exit code is ours.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    out, args = sys.argv[1], sys.argv[sys.argv.index("--") + 1 :]
    start = time.perf_counter()
    pid = os.posix_spawnp(args[0], args, os.environ)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    with open(out, "w", encoding="utf-8") as stream:
        json.dump({"seconds": seconds, "maxrss_kb": usage.ru_maxrss, "cpu_seconds": usage.ru_utime + usage.ru_stime, "exit_code": code}, stream)
    sys.exit(code)


if __name__ == "__main__":
    main()
