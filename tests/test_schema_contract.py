"""The schema is the contract: a server that answers anything its schema allows (what constrained
decoding does, played by tests/fake_openai.py with values="arbitrary") gets every answer of both
sample courses accepted, each request carries its task's own schema, and the server profile
decides which keywords are sent and is part of every content key."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import openai
import pytest

from courseware.errors import CoursewareError
from courseware.generate import contracts
from courseware.generate.contracts import Terms, json_schema
from courseware.generate.figures import SourceFigure
from courseware.generate.settings import infer_server, resolve
from courseware.spec.model import QUIZ_KINDS, LLMSettings
from fake_openai import ArbitraryMaker, FakeOpenAI, answer_content

COURSES = {"blended-teaching": 25, "evaluation-formative": 10}  # tasks per sample course


@pytest.fixture
def model_env(monkeypatch):
    """A user's environment for a build against a local llama.cpp-like server."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-schema")
    monkeypatch.setenv("COURSEWARE_RETRY_BASE", "0.01")
    monkeypatch.setenv("COURSEWARE_SERVER", "llama.cpp")
    for name in ("OPENAI_BASE_URL", "COURSEWARE_MODEL", "COURSEWARE_BASE_URL", "COURSEWARE_PROVIDER", "COURSEWARE_CACHE"):
        monkeypatch.delenv(name, raising=False)


def build(cli, server, course: str, *extra: str):
    return cli("build", f"course_specs/{course}.yaml", "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, *extra)


def summary(result, course: str) -> str:
    return next(line for line in result.stdout.splitlines() if line.startswith(f"{course}: calls "))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("course", list(COURSES))
def test_anything_the_schema_allows_is_accepted(cli, project, model_env, course, seed):
    # The first seed renders every format from the arbitrary texts; the others stop at the markdown.
    formats = () if seed == 1 else ("--formats", "markdown")
    with FakeOpenAI(values="arbitrary", seed=seed) as server:
        result = build(cli, server, course, *formats)
    assert result.exit_code == 0, result.stderr
    # Nothing but what a format shows differently (a formula in a typed answer, LaTeX that
    # cannot be drawn), each said once on a line of its own.
    said = result.stderr.splitlines()
    assert all(line.startswith(f"warning: {course}: ") or line.startswith("warning: ") and " shows " in line or " as its LaTeX" in line for line in said), result.stderr
    assert len(said) == len(set(said))
    assert summary(result, course).startswith(f"{course}: calls {COURSES[course]}, retries 0, re-asks 0, cache hits 0, failures 0;")
    assert server.calls == COURSES[course]
    assert len(list((Path("output") / course / "content").rglob("*.md"))) == COURSES[course]


FIGURES = [SourceFigure(f"F{n}", f"figures/f{n}.svg", f"Figure {n}", "A caption." if n % 2 else None, None, "s.md", f"S{n}") for n in (1, 2)]
PASSAGES = [{"source": "s.md", "section": f"S{n}"} for n in range(1, 5)]


@pytest.mark.parametrize("server_kind", ["llama.cpp", "openai"])
@pytest.mark.parametrize("t", [
    Terms("lesson", 3, 4, figures=("F1", "F2")), Terms("lesson", 2, 0), Terms("overview", 2, 4),
    Terms("slides", 5, figures=("F1", "F2")), Terms("slides", 3), Terms("quiz", 4, 0, ("LO1", "LO2"), QUIZ_KINDS),
], ids=str)
def test_every_answer_the_schema_allows_converts_to_content(t, server_kind):
    # Many draws of anything the schema allows: every branch of every block union, every length.
    schema = json_schema(t, server_kind)
    kinds = set()
    for n in range(150):
        answer = ArbitraryMaker(schema, random.Random(n)).make(schema)
        parsed = contracts.parse(t, json.dumps(answer))
        if t.kind in ("lesson", "overview"):
            content = contracts.to_article(parsed, PASSAGES[: t.passages], FIGURES)
            kinds |= {b.kind for b in content.blocks()}
        elif t.kind == "slides":
            content = contracts.to_slides(parsed, "Deck", FIGURES)
            kinds |= {s.visual.kind for s in content.slides if s.visual}
        else:
            contracts.to_quiz(parsed, "Quiz", "m1-l1", ("True", "False"))
    wanted = {"lesson": {"paragraph", "list", "table", "code", "callout"}, "overview": {"paragraph", "list", "table", "code", "callout"}, "slides": {"code", "table"}, "quiz": set()}[t.kind]
    assert kinds == wanted | ({"figure"} if t.figures else set())


def test_the_arbitrary_fake_draws_again_on_a_re_ask_and_the_same_on_a_rebuild(cli, project, model_env):
    texts = []
    with FakeOpenAI(values="arbitrary", seed=7) as server:
        for n in range(2):  # two builds, two caches: every answer is drawn twice
            assert build(cli, server, "evaluation-formative", "--formats", "markdown", "--cache", f"cache{n}", "--output", f"out{n}").exit_code == 0
            texts.append([p.read_bytes() for p in sorted(Path(f"out{n}/evaluation-formative/content").rglob("*.md"))])
    assert server.calls == 2 * COURSES["evaluation-formative"] and len(texts[0]) == COURSES["evaluation-formative"]
    assert texts[0] == texts[1]  # seeded by the request: a build is reproducible
    body = {"model": "m", "messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_schema", "json_schema": {"schema": {"type": "object", "properties": {"t": {"type": "string", "maxLength": 50}}}}}}
    again = {**body, "messages": [*body["messages"], {"role": "assistant", "content": "{}"}, {"role": "user", "content": "again"}]}
    assert answer_content(body, "m", "arbitrary", 7) == answer_content(body, "m", "arbitrary", 7)
    assert answer_content(body, "m", "arbitrary", 7) != answer_content(again, "m", "arbitrary", 7)  # a re-ask gets a new draw
    assert answer_content(body, "m", "arbitrary", 7) != answer_content(body, "m", "arbitrary", 8)


def test_each_request_carries_its_tasks_own_schema(cli, project, model_env):
    with FakeOpenAI() as server:
        assert build(cli, server, "blended-teaching", "--formats", "markdown").exit_code == 0
    seen = set()
    for body in server.requests:
        name, schema = body["response_format"]["json_schema"]["name"], body["response_format"]["json_schema"]["schema"]
        prompt = body["messages"][1]["content"]
        passages = re.findall(r"^\[(\d+)\] \(", prompt, re.MULTILINE)
        props = schema["properties"]
        if name in ("overview", "lesson"):
            sources = props["introduction"]["items"]["properties"]["sources"]
            assert passages and sources["items"]["maximum"] == len(passages) and sources["minItems"] == 1
        if name == "lesson":
            key_points = re.findall(r"^\d+\. ", prompt, re.MULTILINE)
            assert props["sections"]["minItems"] == props["sections"]["maxItems"] == len(key_points)
        if name == "quiz":
            objectives = re.search(r"^Objective ids: (.*)$", prompt, re.MULTILINE).group(1).split(", ")
            branches = props["items"]["items"]["anyOf"]
            assert [b["properties"]["kind"]["enum"] for b in branches] == [["multiple_choice"], ["true_false"], ["cloze"]]
            assert all(b["properties"]["objective"]["enum"] == objectives for b in branches)
            seen.add(tuple(objectives))
    assert len(seen) > 1  # lessons have their own objectives


def test_the_server_profile_decides_the_keywords_and_is_part_of_the_key(cli, project, model_env, monkeypatch):
    with FakeOpenAI() as server:
        assert build(cli, server, "evaluation-formative", "--formats", "markdown").exit_code == 0
        assert '"pattern"' in json.dumps(server.requests[0]["response_format"])
        monkeypatch.setenv("COURSEWARE_SERVER", "other")
        server.reset_counters()
        result = build(cli, server, "evaluation-formative", "--formats", "markdown")
        assert result.exit_code == 0 and server.calls == COURSES["evaluation-formative"]  # another schema: every task is stale
        sent = json.dumps(server.requests[0]["response_format"])
        assert '"pattern"' not in sent and '"maxLength"' in sent
        monkeypatch.setenv("COURSEWARE_SERVER", "llama.cpp")
        server.reset_counters()
        result = build(cli, server, "evaluation-formative", "--formats", "markdown")
        assert server.calls == 0 and "cache hits 10, failures 0" in summary(result, "evaluation-formative")  # the first answers are still cached


@pytest.mark.parametrize(("base_url", "server"), [
    (None, "openai"),
    ("https://api.openai.com/v1", "openai"),
    ("https://my-resource.openai.azure.com/openai/v1/", "openai"),
    ("http://localhost:8080/v1", "other"),
    ("http://127.0.0.1:11434/v1", "other"),
    ("https://openai.example.com/v1", "other"),
])
def test_the_server_is_inferred_from_the_base_url(base_url, server):
    assert infer_server(base_url) == server


def test_the_server_comes_from_the_environment_or_the_spec():
    spec = LLMSettings(base_url="http://localhost:11434/v1", server="ollama")
    assert resolve(spec, Path("."), {}, env={}).server == "ollama"
    assert resolve(spec, Path("."), {}, env={"COURSEWARE_SERVER": "vllm"}).server == "vllm"
    assert resolve(LLMSettings(), Path("."), {}, env={}).server == "openai"
    with pytest.raises(CoursewareError) as caught:
        resolve(spec, Path("."), {}, env={"COURSEWARE_SERVER": "lmstudio"})
    assert str(caught.value) == "server 'lmstudio': use one of openai, llama.cpp, vllm, ollama, other"


@pytest.mark.parametrize("t", [
    Terms("overview", 3, 4), Terms("lesson", 5, 12), Terms("lesson", 2, 0),
    Terms("quiz", 5, 0, ("LO1", "LO2"), QUIZ_KINDS), Terms("quiz", 2, 0, ("LO1",), ("cloze",)), Terms("slides", 8),
], ids=str)
def test_llama_cpp_enforces_every_contract_schema(llama_server, t):
    # llama.cpp enforces nothing, silently, when llguidance cannot compile a schema (an unknown
    # keyword, or a pattern whose length it cannot bound): the answer is then free text. A few
    # tokens are enough to tell: an enforced answer starts with the schema's first property.
    schema = {**json_schema(t, "llama.cpp"), "x-guidance": {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}}
    client = openai.OpenAI(base_url=llama_server, api_key="none", max_retries=0, timeout=120)
    response = client.chat.completions.create(
        model="gemma-3-270m",
        messages=[{"role": "user", "content": "Write the answer as JSON."}],
        response_format={"type": "json_schema", "json_schema": {"name": t.kind, "schema": schema, "strict": True}},
        max_tokens=6, temperature=0.8, seed=1,
    )  # fmt: skip
    assert response.choices[0].message.content.startswith(f'{{"{next(iter(schema["properties"]))}": ')
