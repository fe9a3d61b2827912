"""ResponseCache.claim: one holder of a key at a time, across the threads of a build and across
builds sharing the cache, with no file made per claim (generate/cache.py)."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from courseware.generate import cache as cache_module
from courseware.generate.cache import ResponseCache

KEY = "ab" + "0" * 62
OTHER = "ab" + "1" * 62


def hold(folder, key, entered, release) -> None:
    with ResponseCache(folder).claim(key):
        entered.set()
        release.wait(10)


@pytest.mark.parametrize("ofd", [True, False], ids=["byte-locks", "lock-files"])
def test_a_claimed_key_waits_for_its_holder_in_another_thread_and_another_process(tmp_path, monkeypatch, ofd):
    if ofd and not cache_module.OFD_LOCKS:
        pytest.fail("this system has no open-file-description locks")  # Linux has; the suite runs there
    monkeypatch.setattr(cache_module, "OFD_LOCKS", ofd)
    cache = ResponseCache(tmp_path)
    for start in (lambda *a: threading.Thread(target=hold, args=a), lambda *a: multiprocessing.get_context("fork").Process(target=hold, args=a)):
        entered, release = (multiprocessing.Event(), multiprocessing.Event())
        holder = start(tmp_path, KEY, entered, release)
        holder.start()
        assert entered.wait(10)
        with cache.claim(OTHER):  # another key is free at once
            pass
        got = threading.Event()

        def wait_for_key() -> None:
            with cache.claim(KEY):
                got.set()

        waiter = threading.Thread(target=wait_for_key)
        waiter.start()
        time.sleep(0.3)
        assert not got.is_set()  # the same key waits for its holder
        release.set()
        assert got.wait(10)
        holder.join(10)
        waiter.join(10)
    # One lock file for every claim with byte locks; none left behind with lock files.
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == (["claims.lock"] if ofd else [])
