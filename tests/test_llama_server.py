"""The real llama.cpp server of the test suite (tests/llama_server.py): it answers structured output and goes away with its parent."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import openai
from jsonschema import Draft202012Validator

from llama_server import MODEL_ALIAS

SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 60},
        "kind": {"type": "string", "enum": ["multiple_choice", "true_false"]},
        "options": {"type": "array", "items": {"type": "string", "maxLength": 30}, "minItems": 3, "maxItems": 3},
        "answer": {"type": "integer", "minimum": 1, "maximum": 3},
    },
    "required": ["title", "kind", "options", "answer"],
    "additionalProperties": False,
}


def test_chat_completion_with_json_schema_is_schema_valid(llama_server):
    client = openai.OpenAI(base_url=llama_server, api_key="none", max_retries=0, timeout=120)
    # llguidance's own key (llama.cpp only): compact JSON, so whitespace cannot run away to max_tokens.
    schema = {**SCHEMA, "x-guidance": {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}}
    response = client.chat.completions.create(
        model="gpt-4o-mini",  # llama.cpp answers any name with the model it has loaded
        messages=[{"role": "user", "content": "Write one quiz question about photosynthesis as JSON."}],
        response_format={"type": "json_schema", "json_schema": {"name": "question", "schema": schema, "strict": True}},
        max_tokens=200,
        temperature=0,
        seed=1,
    )
    choice = response.choices[0]
    assert choice.finish_reason == "stop"
    answer = json.loads(choice.message.content)
    assert list(Draft202012Validator(SCHEMA).iter_errors(answer)) == []
    assert list(answer) == ["title", "kind", "options", "answer"]  # llguidance keeps the schema's order
    assert response.model == MODEL_ALIAS
    assert 0 < response.usage.completion_tokens < 200


def test_server_exits_when_the_test_process_is_killed(tmp_path):
    # A stand-in for a test session: starts the server, reports the child's pid, then waits forever.
    session = subprocess.Popen(
        [sys.executable, "-c", "import sys, llama_server as ls, pathlib, threading\n"
         "proc, url = ls.start(pathlib.Path(sys.argv[1]))\n"
         "print(proc.pid, flush=True)\n"
         "threading.Event().wait()\n", str(tmp_path / "server.log")],
        cwd=Path(__file__).parent, stdout=subprocess.PIPE, text=True,
    )
    try:
        line = session.stdout.readline()
        assert line.strip().isdigit(), f"the stand-in session did not start the server (log: {tmp_path / 'server.log'})"
        watch = os.pidfd_open(int(line))  # readable once the server has exited
        try:
            session.send_signal(signal.SIGKILL)
            session.wait()
            assert select.select([watch], [], [], 10)[0] == [watch], "the llama.cpp server outlived its parent"
        finally:
            os.close(watch)
    finally:
        session.kill()
        session.wait()
        session.stdout.close()
