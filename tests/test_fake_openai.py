"""Tests of the fake OpenAI server, driven through the official `openai` SDK over real HTTP."""

from __future__ import annotations

import json
import math
import random
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import jsonschema
import openai
import pytest
from pydantic import BaseModel, Field

from fake_openai import FAULTS, ArbitraryMaker, FakeOpenAI, option_key, pick_fault


class Option(BaseModel):
    text: str
    correct: bool


class QuizItem(BaseModel):
    kind: Literal["multiple_choice", "true_false", "cloze"]
    objective: str
    prompt: str
    correct_answer: str
    options: list[Option] = Field(min_length=1)
    citations: list[int]
    hint: str | None
    points: int = Field(ge=2)


class Quiz(BaseModel):
    title: str
    items: list[QuizItem] = Field(min_length=1, max_length=5)


class Article(BaseModel):
    title: str
    sections: list[dict[str, Any]]
    paragraphs: list[str]


SYSTEM = "You write quizzes for a course."
USER = "Objective ids: LO1, LO2\nWrite a quiz about photosynthesis."


def messages(user: str = USER, system: str = SYSTEM) -> list[dict]:
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def strict_format(model: type[BaseModel] = Quiz) -> dict:
    schema = model.model_json_schema()
    return {"type": "json_schema", "json_schema": {"name": model.__name__, "schema": schema, "strict": True}}


def fenced_schema(model: type[BaseModel] = Quiz) -> str:
    return f"Answer with JSON that follows this JSON schema:\n```json\n{json.dumps(model.model_json_schema())}\n```\n"


def make_client(server: FakeOpenAI, **options: Any) -> openai.OpenAI:
    options = {"api_key": "sk-test", "max_retries": 0, "timeout": 5.0, **options}
    return openai.OpenAI(base_url=server.base_url, **options)


def ask(client: openai.OpenAI, msgs: list[dict] | None = None, **kwargs: Any):
    kwargs.setdefault("response_format", strict_format())
    return client.chat.completions.create(model="fake-model", messages=msgs or messages(), **kwargs)


def content(client: openai.OpenAI, msgs: list[dict] | None = None, **kwargs: Any) -> str:
    return ask(client, msgs, **kwargs).choices[0].message.content


def cached(response: Any) -> int:
    return response.usage.prompt_tokens_details.cached_tokens


def get(server: FakeOpenAI, path: str) -> tuple[int, dict]:
    url = server.base_url.removesuffix("/v1") + path
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def strings(value: Any) -> list[str]:
    """Every string in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def catch(function: Any, *args: Any) -> Exception | None:
    """The exception `function(*args)` raises, or None."""
    try:
        function(*args)
    except Exception as error:
        return error
    return None


def wait_for(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.005)


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def client(server):
    with make_client(server) as sdk:
        yield sdk


# ---------------------------------------------------------------- answers


def test_json_schema_answer_validates(client):
    response = ask(client)
    quiz = Quiz.model_validate_json(response.choices[0].message.content)
    assert response.object == "chat.completion"
    assert response.model == "fake-model"
    assert response.choices[0].finish_reason == "stop"
    assert response.choices[0].message.refusal is None
    assert len(quiz.items) == 3
    assert all(len(item.options) == 3 and item.options[0].correct for item in quiz.items)
    assert [len(item.citations) for item in quiz.items] == [1, 1, 1]
    assert all(item.points == 2 and item.hint is not None for item in quiz.items)


def test_sdk_parse_helper_accepts_the_answer(client):
    completion = client.chat.completions.parse(model="fake-model", messages=messages(), response_format=Quiz)
    assert isinstance(completion.choices[0].message.parsed, Quiz)


def test_a_list_of_items_has_every_kind(client):
    quiz = Quiz.model_validate_json(content(client))
    assert [item.kind for item in quiz.items] == ["multiple_choice", "true_false", "cloze"]


def test_same_request_same_answer(client):
    assert content(client) == content(client)


def test_reask_conversation_gets_the_first_answer(client):
    first = content(client)
    reask = messages() + [
        {"role": "assistant", "content": first},
        {"role": "user", "content": "That was invalid, please try again."},
    ]
    assert content(client, reask) == first


def test_different_first_message_different_answer(client):
    assert content(client) != content(client, messages(USER + " Keep it short."))
    assert content(client) != content(client, messages(system="Another system prompt."))


def test_strings_have_equal_length_and_are_distinct(client):
    answer = json.loads(content(client, response_format=strict_format(Article)))
    texts = strings(answer)
    assert len(texts) == 1 + 3  # title + paragraphs; sections are free-form objects
    assert len({len(t) for t in texts}) == 1
    assert len(set(texts)) == len(texts)


def test_objectives_come_from_the_prompt(client):
    quiz = Quiz.model_validate_json(content(client))
    assert [item.objective for item in quiz.items] == ["LO1", "LO2", "LO1"]


def test_objective_without_ids_is_fake_text(client):
    quiz = Quiz.model_validate_json(content(client, messages("Write a quiz.")))
    assert all(item.objective.startswith("Fake text ") for item in quiz.items)


def test_cloze_prompt_has_a_blank(client):
    quiz = Quiz.model_validate_json(content(client))
    for item in quiz.items:
        blanks = 1 if item.kind == "cloze" else 0
        assert item.prompt.count(" ____ ") == blanks
        assert item.prompt.count("_") == 4 * blanks


def test_true_false_answer_is_true(client):
    quiz = Quiz.model_validate_json(content(client))
    answers = {item.kind: item.correct_answer for item in quiz.items}
    assert answers["true_false"] == "true"
    assert answers["multiple_choice"].startswith("Fake text ")


def test_json_object_mode_reads_the_schema_from_the_messages(client):
    msgs = messages(USER + "\n" + fenced_schema())
    answer = content(client, msgs, response_format={"type": "json_object"})
    assert Quiz.model_validate_json(answer).items[0].objective == "LO1"


def test_no_response_format_answers_in_a_fence(client):
    answer = content(client, messages(system=SYSTEM + "\n" + fenced_schema()), response_format=openai.omit)
    assert answer.startswith("```json\n") and answer.endswith("\n```")
    Quiz.model_validate_json(answer.removeprefix("```json\n").removesuffix("\n```"))


def test_the_last_schema_in_the_messages_wins(client):
    msgs = messages(USER + "\n" + fenced_schema(Quiz)) + [
        {"role": "assistant", "content": "{}"},
        {"role": "user", "content": "Now a different shape.\n" + fenced_schema(Option)},
    ]
    answer = json.loads(content(client, msgs, response_format={"type": "json_object"}))
    assert set(answer) == {"text", "correct"}


# ---------------------------------------------------------------- arbitrary values

BOUNDED = {
    "type": "object",
    "properties": {
        "kind": {"enum": ["a", "b", "c"]},
        "name": {"type": "string", "minLength": 2, "maxLength": 9},
        "code": {"type": "string", "minLength": 3, "maxLength": 40, "pattern": "^[A-Z][a-z0-9]*(?:-[a-z]+|_x)?$"},
        "count": {"type": "integer", "minimum": 3, "maximum": 5},
        "none": {"type": "array", "items": {"type": "string"}, "maxItems": 0},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}, "minItems": 2, "maxItems": 4},
        "either": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 1}, {"type": "boolean"}]},
        "ref": {"$ref": "#/$defs/R"},
    },
    "required": ["kind", "name", "code", "count", "none", "tags", "either", "ref"],
    "additionalProperties": False,
    "$defs": {"R": {"type": "object", "properties": {"x": {"enum": ["only"]}}, "required": ["x"], "additionalProperties": False}},
}


def test_arbitrary_values_are_anything_the_schema_allows():
    made = [ArbitraryMaker(BOUNDED, random.Random(n)).make(BOUNDED) for n in range(200)]
    for instance in made:
        jsonschema.Draft202012Validator(BOUNDED).validate(instance)
    assert {m["kind"] for m in made} == {"a", "b", "c"} and {m["count"] for m in made} == {3, 4, 5}
    assert {len(m["name"]) for m in made} == set(range(2, 10)) and {len(m["tags"]) for m in made} == {2, 3, 4}
    assert {type(m["either"]) for m in made} == {int, bool}
    assert any("-" in m["code"] for m in made) and any("_x" in m["code"] for m in made)


def test_arbitrary_multiple_choice_options_are_as_the_prompt_asks():
    option = {"type": "string", "minLength": 1, "maxLength": 3}
    item = {"type": "object", "properties": {"kind": {"enum": ["multiple_choice"]}, "correct_answer": option, "distractors": {"type": "array", "items": option, "minItems": 3, "maxItems": 3}}}
    for n in range(300):  # short options collide often: the fake draws again, then swaps the longest away from the answer
        made = ArbitraryMaker(item, random.Random(n)).make(item)
        texts = [made["correct_answer"], *made["distractors"]]
        assert len({option_key(t) for t in texts}) == 4
        assert len(made["correct_answer"].strip()) <= max(len(d.strip()) for d in made["distractors"])


def test_arbitrary_mode_answers_through_the_server():
    with FakeOpenAI(values="arbitrary", seed=3) as fake, make_client(fake) as sdk:
        texts = {content(sdk, messages(user=f"question {n}")) for n in range(5)}
        assert len(texts) == 5  # the request body seeds the draw
        for text in texts:
            Quiz.model_validate_json(text)
    with pytest.raises(ValueError, match="values 'random': use 'fixed' or 'arbitrary'"):
        FakeOpenAI(values="random")


def test_unsupported_pattern_syntax_is_refused():
    with pytest.raises(ValueError, match="regex construct ASSERT_NOT is not supported"):
        ArbitraryMaker({}, random.Random(0)).string({"type": "string", "pattern": "^(?!x).*$"})


# ---------------------------------------------------------------- faults


def test_429_is_a_rate_limit_error_with_retry_after(server, client):
    server.script.append("429")
    with pytest.raises(openai.RateLimitError) as caught:
        ask(client)
    assert caught.value.response.headers["retry-after"] == "0"
    assert caught.value.code == "rate_limit_exceeded"


def test_429_without_retry_after_header():
    with FakeOpenAI(retry_after=None) as server, make_client(server) as client:
        server.script.append("429")
        with pytest.raises(openai.RateLimitError) as caught:
            ask(client)
    assert "retry-after" not in caught.value.response.headers


@pytest.mark.parametrize(
    ("fault", "error", "status", "code"),
    [
        ("500", openai.InternalServerError, 500, None),
        ("503", openai.InternalServerError, 503, None),
        ("401", openai.AuthenticationError, 401, "invalid_api_key"),
        ("404", openai.NotFoundError, 404, "model_not_found"),
        ("quota", openai.RateLimitError, 429, "insufficient_quota"),
        ("400", openai.BadRequestError, 400, None),
    ],
)
def test_error_statuses_raise_the_sdk_exception(server, client, fault, error, status, code):
    server.script.append(fault)
    with pytest.raises(error) as caught:
        ask(client)
    assert caught.value.status_code == status
    assert caught.value.code == code
    assert caught.value.type in {"server_error", "invalid_request_error", "insufficient_quota"}


def test_404_names_the_requested_model(server, client):
    server.script.append("404")
    with pytest.raises(openai.NotFoundError, match="The model `fake-model` does not exist"):
        ask(client)


def test_400_names_the_param(server, client):
    server.script.append("400")
    with pytest.raises(openai.BadRequestError) as caught:
        ask(client)
    assert caught.value.param == "response_format"


def test_drop_is_a_connection_error(server, client):
    server.script.append("drop")
    with pytest.raises(openai.APIConnectionError) as caught:
        ask(client)
    assert not isinstance(caught.value, openai.APITimeoutError)


def test_slow_times_out():
    with FakeOpenAI(slow_seconds=0.8) as server, make_client(server, timeout=0.5) as client:
        server.script.append("slow")
        with pytest.raises(openai.APITimeoutError):
            ask(client)
        time.sleep(0.5)  # the server answers after 0.8 s, to nobody
        assert (server.calls, server.completed) == (1, 0)


def test_malformed_body_fails_to_parse(server, client):
    server.script.append("malformed")
    with pytest.raises(ValueError):
        ask(client)
    assert server.completed == 0


def test_length_answers_half_the_content(server, client):
    normal = ask(client)
    server.script.append("length")
    cut = ask(client)
    assert cut.choices[0].finish_reason == "length"
    text = normal.choices[0].message.content
    assert cut.choices[0].message.content == text[: len(text) // 2]
    assert cut.usage.completion_tokens < normal.usage.completion_tokens


def test_length_makes_the_parse_helper_raise(server, client):
    server.script.append("length")
    with pytest.raises(openai.LengthFinishReasonError):
        client.chat.completions.parse(model="fake-model", messages=messages(), response_format=Quiz)


def test_refusal_answer(server, client):
    server.script.append("refusal")
    response = ask(client)
    message = response.choices[0].message
    assert (message.content, message.refusal) == (None, "I can't help with that request.")
    assert response.choices[0].finish_reason == "stop"
    assert response.usage.completion_tokens == 8


@pytest.mark.parametrize(("fault", "text"), [("invalid", "{}"), ("empty", "")])
def test_invalid_and_empty_answers(server, client, fault, text):
    server.script.append(fault)
    response = ask(client)
    assert response.choices[0].message.content == text
    assert response.choices[0].finish_reason == "stop"
    assert response.usage is not None
    assert server.completed == 1


def test_script_none_answers_then_next_fault_applies(server, client):
    server.script.extend([None, "500"])
    ask(client)
    with pytest.raises(openai.InternalServerError):
        ask(client)
    ask(client)
    assert (server.calls, server.completed, len(server.script)) == (3, 2, 0)


def test_unknown_fault_kinds_are_refused():
    with pytest.raises(ValueError, match="unknown fault kinds"):
        FakeOpenAI(fault_kinds=("429", "teapot"))
    assert {"429", "500", "503", "drop", "slow", "malformed", "quota"} <= set(FAULTS)


def test_sdk_retries_get_through():
    with FakeOpenAI(retry_after="0.01") as server, make_client(server, max_retries=2) as client:
        server.script.extend(["429", "429"])
        Quiz.model_validate_json(content(client))
        assert (server.calls, server.completed) == (3, 1)
        assert [h["x-stainless-retry-count"] for h in server.headers] == ["0", "1", "2"]


# ---------------------------------------------------------------- fault_rate


def outcomes(seed: int, count: int = 24) -> list[str]:
    kinds = ("429", "500", "401")
    with FakeOpenAI(fault_rate=0.5, fault_kinds=kinds, seed=seed) as server, make_client(server) as client:
        results = []
        for _ in range(count):
            try:
                ask(client)
                results.append("ok")
            except openai.APIStatusError as error:
                results.append(str(error.status_code))
        return results


def test_fault_rate_is_deterministic():
    first = outcomes(seed=7)
    assert first == outcomes(seed=7)
    assert first != outcomes(seed=8)
    assert {"ok", "429", "500", "401"} == set(first)
    expected = [pick_fault(7, n, 0.5, ("429", "500", "401")) or "ok" for n in range(24)]
    assert first == expected


def test_script_comes_before_fault_rate():
    with FakeOpenAI(fault_rate=1.0, fault_kinds=("500",)) as server, make_client(server) as client:
        server.script.append(None)
        ask(client)
        with pytest.raises(openai.InternalServerError):
            ask(client)


# ---------------------------------------------------------------- counters


def test_counters_and_token_tally(server, client):
    server.script.extend([None, "500", "refusal"])
    usages = [ask(client).usage]
    with pytest.raises(openai.InternalServerError):
        ask(client)
    usages += [ask(client).usage, ask(client, messages("Objective ids: LO9")).usage]
    assert (server.calls, server.completed) == (4, 3)
    assert server.tokens == {
        "prompt": sum(u.prompt_tokens for u in usages),
        "completion": sum(u.completion_tokens for u in usages),
        "cached": sum(u.prompt_tokens_details.cached_tokens for u in usages),
    }
    assert all(u.total_tokens == u.prompt_tokens + u.completion_tokens for u in usages)
    assert [r["messages"][1]["content"] for r in server.requests] == [USER] * 3 + ["Objective ids: LO9"]
    assert server.headers[0]["authorization"] == "Bearer sk-test"


def test_prompt_tokens_follow_the_messages(client):
    usage = ask(client).usage
    assert usage.prompt_tokens == math.ceil(len(json.dumps(messages(), ensure_ascii=False)) / 4)


def test_cached_tokens_for_a_repeated_system_prompt(server, client):
    server.script.append("500")
    with pytest.raises(openai.InternalServerError):
        ask(client)  # not answered, so it does not warm the cache
    assert cached(ask(client)) == 0
    assert cached(ask(client, messages("Another question"))) == math.ceil(len(SYSTEM) / 4)
    assert cached(ask(client, messages(system="New system"))) == 0
    assert server.tokens["cached"] == math.ceil(len(SYSTEM) / 4)


def test_reset_counters(server, client):
    ask(client)
    server.reset_counters()
    assert (server.calls, server.completed, server.requests, server.headers) == (0, 0, [], [])
    assert server.tokens == {"prompt": 0, "completion": 0, "cached": 0}
    assert server.in_flight_max == 0


def test_sequential_requests_are_never_in_flight_together(server, client):
    for _ in range(5):
        ask(client)
    assert server.in_flight_max == 1


def test_concurrent_requests_overlap():
    with FakeOpenAI(latency=0.2) as server, make_client(server) as client:
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda _: content(client), range(16)))
        assert len(set(answers)) == 1
        assert (server.calls, server.completed) == (16, 16)
        assert server.in_flight_max >= 8


# ---------------------------------------------------------------- other endpoints and lifecycle


def test_models_endpoint(client):
    models = client.models.list()
    assert [(m.id, m.object, m.owned_by) for m in models.data] == [("fake-model", "model", "fake")]


def test_stats_endpoint(server, client):
    ask(client)
    status, stats = get(server, "/_stats")
    assert status == 200
    assert stats == {"calls": 1, "completed": 1, "tokens": server.tokens}


def test_unknown_path_is_404_with_an_error_body(server, client):
    status, body = get(server, "/v1/nothing")
    assert status == 404
    assert body["error"]["type"] == "invalid_request_error"
    with pytest.raises(openai.NotFoundError):
        client.embeddings.create(model="fake-model", input="x")
    assert server.calls == 0


def test_stop_closes_connections_and_joins_threads():
    before = set(threading.enumerate())
    server = FakeOpenAI(slow_seconds=30).start()
    client = make_client(server, timeout=5)
    ask(client)  # leaves an idle keep-alive connection open
    server.script.append("slow")
    errors: list[Exception] = []
    pending = threading.Thread(target=lambda: errors.append(catch(ask, client)))
    pending.start()
    wait_for(lambda: server.calls == 2)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1.0
    assert not [t for t in threading.enumerate() if t.name.startswith("fake-openai")]  # joined by stop() itself
    pending.join(timeout=5)
    client.close()
    assert isinstance(errors[0], openai.APIConnectionError)  # the slow request was cut off
    assert set(threading.enumerate()) <= before
    server.stop()  # idempotent


def test_base_url_needs_a_started_server():
    server = FakeOpenAI()
    with pytest.raises(RuntimeError):
        server.base_url
    with server:
        assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/v1")
