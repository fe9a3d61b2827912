"""The floor for the generation benchmark: send recorded chat requests with the bare openai SDK,
`jobs` in flight, no courseware code in between: `python bench/replay.py BODIES.json URL JOBS`.

Prints {"seconds": wall time of the sends, "cpu_seconds": this process's CPU time for them, "requests": n}. Run as its own process, like the build
it is compared with, so the two have the same one interpreter (and GIL) each.
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from openai import OpenAI


def main() -> None:
    bodies = json.loads(open(sys.argv[1], encoding="utf-8").read())
    client = OpenAI(api_key="sk-bench", base_url=sys.argv[2], max_retries=0)
    jobs = int(sys.argv[3])
    start, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        answers = list(pool.map(lambda body: client.chat.completions.create(**body), bodies))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert all(a.choices for a in answers)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "requests": len(answers)}))


if __name__ == "__main__":
    main()
