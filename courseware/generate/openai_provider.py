"""The `openai` provider: any OpenAI-compatible Chat Completions endpoint through the official SDK.

One retry layer (ours; the SDK's is off), structured outputs derived from the contracts, every
answer validated locally and re-asked at most twice, every valid answer cached by content key.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

from courseware import redact
from courseware.catalogue import words
from courseware.content.blocks import figures as figures_in
from courseware.content.model import Article, Quiz, SlideDeck
from courseware.errors import CoursewareError, GenerationError
from courseware.generate import contracts, language, translation
from courseware.generate.cache import ResponseCache
from courseware.generate.chat import Answer, Chat, Runaway, is_local
from courseware.generate.figures import SourceFigure, offered
from courseware.generate.prompts import PromptSet
from courseware.generate.provider import Deferred, FatalProviderError, Provider, ProviderContext, register
from courseware.grounding.select import Grounding, course_query, lesson_queries, module_query
from courseware.plan import Task

if TYPE_CHECKING:
    from courseware.translate.plan import TranslationTask

DEFAULT_BASE_URL = "https://api.openai.com/v1"
MAX_REASKS = 2
PASSAGES_PER_POINT, MAX_PASSAGES = 2, 12
T = TypeVar("T")


@register("openai")
class OpenAIProvider(Provider):
    name = "openai"
    calls_model = True
    own_quiz_pools = False  # a lesson's three prompts open with the same passages
    translates = True

    def __init__(self, context: ProviderContext):
        self.context = context
        self.config = context.config
        if not self.config.model:
            raise CoursewareError("the openai provider needs a model: pass --model NAME, set COURSEWARE_MODEL, or set llm.model in the spec")
        self.model = self.config.model
        self.base_url = (self.config.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.prompts = PromptSet(self.config.prompts)
        self.stats = context.stats
        self.cache = ResponseCache(self.config.cache_dir)
        self.retry_base = float(os.environ.get("COURSEWARE_RETRY_BASE", "0.5"))
        self.local = is_local(self.base_url)
        self._identities: dict[str, dict] = {}
        self._grounding: dict[str, list[dict]] = {}  # task id -> its numbered passages
        self._answered_by: dict[str, str] = {}  # task id -> the model the server says answered

    # What decides an answer --------------------------------------------------------------------

    @cached_property
    def system_prompt(self) -> str:
        """The course context: byte-identical for all of a course's calls, so servers can cache it."""
        spec = self.context.spec
        return self.prompts.render("system", {
            "course": spec.course.model_dump(),
            "objectives": [o.model_dump() for o in spec.objectives],
            "modules": [{"id": m.id, "title": m.title, "lessons": [{"id": l.id, "title": l.title} for l in m.lessons]} for m in spec.modules],
        })

    def identity(self, kind: str) -> dict:
        if kind not in self._identities:  # the same for every task of a kind: hash once
            self._identities[kind] = self._identity(kind)
        return self._identities[kind]

    def _identity(self, kind: str) -> dict:
        return {
            "provider": self.name,
            "base_url": self.base_url,
            "server": self.config.server,
            "model": self.model,
            "parameters": self.config.parameters(),
            "structured_output": self.config.structured_output,
            "system_prompt": _sha256(self.system_prompt),
            "template": self.prompts.digest(kind) if kind == "overview" else _sha256(self.prompts.digest("context") + self.prompts.digest(kind)),
            # A task's schema follows from its inputs and passages (in its key like its prompt)
            # and from how this version builds schemas for the server: contracts.digest.
            "schema": contracts.digest(kind, self.config.server),
        }

    def prepare(self) -> None:
        self.prompts.require_approved()
        self.client

    @cached_property
    def grounding(self) -> Grounding:
        """The course's passages: each task's pool is some of them."""
        return self.context.grounding or Grounding(self.context.spec, self.context.sources)

    @cached_property
    def client(self) -> Any:
        chat = Chat(openai_client(self.base_url, self.config.timeout), self.base_url, self.model, self.config, self.stats, self.retry_base)
        batch = self.context.batch
        return chat if batch is None else batch.chat(chat)  # a batch build: answers from batch results, the rest collected

    # Generation -------------------------------------------------------------------------------

    def generate(self, task: Task) -> Article | Quiz | SlideDeck:
        passages = self._passages(task)

        def checked(text: str) -> Article | Quiz | SlideDeck:
            content = self._convert(task, text, passages)
            language.check(content, self.context.spec.course.language)  # "output in the wrong language" is a re-ask
            return content

        messages = lambda: [{"role": "system", "content": self.system_prompt}, {"role": "user", "content": self._user_prompt(task, passages)}]  # noqa: E731
        return self._obtain(task.id, task.key, messages, self._response_format(task), lambda text: self._convert(task, text, passages), checked)

    def _obtain(self, task_id: str, key: str, messages: Callable[[], list[dict]], response_format: dict | None, convert: Callable[[str], T], checked: Callable[[str], T]) -> T:
        """The answer under `key`: from the cache (`convert`ed; an entry that no longer passes is a
        miss), else asked of the model and `checked`. A task's content and each part of a
        translation come through here alike."""
        result = self._cached(task_id, key, convert)
        if result is not None:
            return result
        with self.cache.claim(key):  # a build sharing the cache may be paying for this very answer
            result = self._cached(task_id, key, convert)
            return result if result is not None else self._ask(task_id, key, messages(), response_format, checked)

    def _cached(self, task_id: str, key: str, convert: Callable[[str], T]) -> T | None:
        """The cached answer converted, or None (an entry that no longer passes the checks is a miss)."""
        cached = self.cache.get(key)
        if cached is None:
            return None
        try:
            result = convert(redact.redact(cached["answer"]))  # an entry from before redaction
        except contracts.AnswerError:
            return None
        self.stats.add(cache_hits=1)
        if isinstance(cached.get("model"), str):
            self._answered_by[task_id] = cached["model"]
        return result

    def _ask(self, task_id: str, key: str, messages: list[dict], response_format: dict | None, checked: Callable[[str], T]) -> T:
        """Call the model, re-asking at most MAX_REASKS times, and cache the valid answer. No
        request is sent twice: each re-ask varies the seed (and a low temperature)."""
        usage = {"prompt": 0, "completion": 0, "cached": 0}
        for attempt in range(MAX_REASKS + 1):
            answer = self._answer(key, messages, response_format, f"{key}/reask-{attempt}" if attempt else "")
            for name, value in answer.usage.items():
                usage[name] += value
            try:
                result = checked(answer.text)
            except contracts.AnswerError as exc:
                if attempt == MAX_REASKS:
                    raise GenerationError(f"the answer is still invalid after {MAX_REASKS} re-asks: {redact.one_line(str(exc), redact.LINE)}") from None
                if answer.fresh:  # a batch answer read again in a later round was counted the first time
                    self.stats.add(reasks=1)
                messages = messages + [
                    {"role": "assistant", "content": answer.text},
                    {"role": "user", "content": f"Your answer was not valid: {exc}. Answer again with the complete JSON object."},
                ]
                continue
            self.cache.put(key, answer.text, usage, answer.model)
            if answer.model:
                self._answered_by[task_id] = answer.model
            return result
        raise AssertionError("unreachable")

    def _answer(self, key: str, messages: list[dict], response_format: dict | None, variation: str) -> Answer:
        """One answer; an answer that ran away (whitespace, a repeated item) is asked once more with another seed."""
        try:
            return self.client.ask(messages, response_format, variation, variation or key)
        except Runaway as exc:
            if exc.fresh:
                self.stats.add(retries=1)
            retry = f"{variation or key}/runaway"
            return self.client.ask(messages, response_format, retry, retry)

    # Translation ------------------------------------------------------------------------------

    def translate(self, task: TranslationTask) -> dict[str, str]:
        """The task's units translated batch by batch (a long file takes several calls, each
        cached on its own), every answer checked: placeholders, glossary terms, the language."""
        if not self.prompts.has("translate"):
            folder = self.prompts.folder
            raise GenerationError(f"{task.id}: the prompts folder {folder} has no translate template; copy translate.j2 and its entry in prompts.yaml there from a folder 'courseware prompts copy DIR' writes, then run 'courseware prompts approve'")
        answers: dict[str, str] = {}
        waiting: Deferred | None = None
        try:
            for batch in translation.batches(task.asked(), task.glossary):  # not the texts remembered from before the source changed
                try:
                    answers.update(self._translate_batch(task, batch))
                except Deferred as exc:
                    waiting = exc  # a batch build: every part's request goes into the same batch
            if waiting is not None:
                raise waiting
        except FatalProviderError:
            raise  # about the server, not this task: said once for the whole build
        except GenerationError as exc:
            raise type(exc)(f"{task.id}: {exc}") from None
        return answers

    def _translate_batch(self, task: TranslationTask, batch: translation.Batch) -> dict[str, str]:
        prompt = self._translation_prompt(task, batch)
        response_format = self._translation_format(batch)
        key = _sha256(json.dumps({"identity": self._translation_identity, "prompt": prompt, "format": response_format}, sort_keys=True, ensure_ascii=False))

        def checked(text: str) -> dict[str, str]:
            answers = translation.parse(batch, text)
            translation.check(batch, answers, task.language)
            return answers

        return self._obtain(task.id, key, lambda: [{"role": "user", "content": prompt}], response_format, checked, checked)

    @cached_property
    def _translation_identity(self) -> dict:
        """What decides a translation besides its prompt and schema (both in its key as they are sent)."""
        config = self.config
        return {"provider": self.name, "base_url": self.base_url, "server": config.server, "model": self.model, "parameters": config.parameters(), "structured_output": config.structured_output}

    def _translation_format(self, batch: translation.Batch) -> dict | None:
        mode = self.config.structured_output
        if mode == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": "translation", "schema": translation.json_schema(batch, self.config.server), "strict": True}}
        return {"type": "json_object"} if mode == "json_object" else None

    def _translation_prompt(self, task: TranslationTask, batch: translation.Batch) -> str:
        if self.config.structured_output == "json_schema":
            schema = "Answer with the JSON object the request's schema describes."
        else:
            # Compact: one property per unit makes an indented schema longer than the texts.
            schema = "Answer with one JSON object matching this JSON schema:\n```json\n" + json.dumps(translation.json_schema(batch, self.config.server, in_prompt=True), ensure_ascii=False) + "\n```"
        course = self.context.spec.course
        return self.prompts.render("translate", {
            "course": {"title": course.title, "audience": course.audience, "language": course.language, "language_name": language_names(course.language)[0]},
            "target": dict(zip(("name", "native"), language_names(task.language)), tag=task.language),
            "kind": task.kind,
            "part": {"number": batch.number, "count": batch.count},
            "glossary": [{"term": term, "target": target} for term, target in batch.glossary],
            "places": translation.places(batch),
            "texts": translation.source_texts(batch),
            "schema": schema,
        })

    def answered_by(self, task_id: str) -> str | None:
        return self._answered_by.get(task_id)

    @property
    def forks(self) -> bool:  # type: ignore[override]
        return self.context.batch is None  # a batch round makes no calls: nothing to share

    def forked(self) -> None:
        # Each process its own HTTP connections: a client that has sent nothing has none, and is
        # kept (a new one loads the CA certificates again, 20 to 60 ms before a child's first call).
        client = self.__dict__.get("client")
        if client is not None and getattr(client, "used", True):
            del self.__dict__["client"]

    def carry(self, task_id: str) -> str | None:
        return self._answered_by.get(task_id)

    def adopt(self, task_id: str, carried: str | None) -> None:
        if carried:
            self._answered_by[task_id] = carried

    def notes(self) -> list[str]:
        """A model name the server does not answer as (llama.cpp answers any name with its loaded model)."""
        others = sorted({m for m in self._answered_by.values() if not _same_model(self.model, m)})
        if not others:
            return []
        return [f"asked {self.base_url} for model '{self.model}', but it answered as {', '.join(repr(m) for m in others)}; "
                f"the files record the model that answered (answered_by); set --model to the served model's name"]

    def _terms(self, task: Task) -> contracts.Terms:
        """What bounds the task's answer: its inputs, the passages it is grounded in and the figures offered."""
        return contracts.terms(task.kind, task.inputs, len(self._passages(task)), tuple(f.id for f in self._figures(task)))

    def _response_format(self, task: Task) -> dict | None:
        mode = self.config.structured_output
        if mode == "json_schema":
            schema = contracts.request_schema(self._terms(task), self.config.server)
            return {"type": "json_schema", "json_schema": {"name": task.kind, "schema": schema, "strict": True}}
        return {"type": "json_object"} if mode == "json_object" else None

    def _schema_text(self, task: Task) -> str:
        if self.config.structured_output == "json_schema":
            return "Answer with the JSON object the request's schema describes."
        schema = contracts.json_schema(self._terms(task), self.config.server, in_prompt=True)
        return "Answer with one JSON object matching this JSON schema:\n```json\n" + json.dumps(schema, indent=1) + "\n```"

    def _user_prompt(self, task: Task, passages: list[dict]) -> str:
        """The task's message. A lesson's three tasks open with the same context (lesson, objectives,
        key points, passages), then say their task: after the shared system message, the longest
        prefix they can share, which servers with prefix caching bill less for."""
        inputs, schema = task.inputs, self._schema_text(task)
        if task.kind == "overview":
            return self.prompts.render("overview", {"course": inputs["course"], "modules": inputs["modules"], "passages": passages, "schema": schema})
        figures = [{"id": f.id, "alt": f.alt, "caption": f.caption} for f in self._figures(task)]
        variables = {"lesson": inputs["lesson"], "schema": schema}
        if task.kind in ("quiz", "slides"):
            variables[task.kind] = inputs[task.kind]
        if task.kind in ("lesson", "slides"):
            variables["figures"] = figures
        context = self.prompts.render("context", {"lesson": inputs["lesson"], "passages": passages, "figures": figures})
        return context + "\n" + self.prompts.render(task.kind, variables)

    def _passages(self, task: Task) -> list[dict]:
        """The passages a task is grounded in, numbered for citation: the best of its pool (as
        planned, the same for every provider) for each of its queries, ranked inside the pool."""
        if task.id not in self._grounding:
            self._grounding[task.id] = self._rank_passages(task)
        return self._grounding[task.id]

    def _figures(self, task: Task) -> list[SourceFigure]:
        """The figures offered with a lesson's tasks: those of its pool in the sections of its
        passages (the overview is written into another folder, and is offered none)."""
        if task.kind == "overview":
            return []
        pooled = {(p.source, p.section, f.alt, f.caption) for p in task.pool for f in figures_in(p.block)}
        return offered([f for f in self.context.figures if (f.source, f.section, f.alt, f.caption) in pooled], self._passages(task))

    def _rank_passages(self, task: Task) -> list[dict]:
        inputs, corpus = task.inputs, self.grounding.pool_corpus(task.pool)
        if task.kind == "overview":
            queries = [course_query(inputs), *(module_query(m) for m in inputs["modules"])]
        else:
            queries = lesson_queries(inputs["lesson"])
        chosen = corpus.best_of_each(queries, PASSAGES_PER_POINT)
        return [
            {"number": n, "source": corpus.passages[i].source, "section": corpus.passages[i].section, "page": corpus.passages[i].page, "slide": corpus.passages[i].slide, "text": corpus.passages[i].text}
            for n, i in enumerate(chosen[:MAX_PASSAGES], start=1)
        ]

    def _convert(self, task: Task, text: str, passages: list[dict]) -> Article | Quiz | SlideDeck:
        inputs, figures = task.inputs, self._figures(task)
        answer = contracts.parse(contracts.terms(task.kind, inputs, len(passages), tuple(f.id for f in figures)), text)
        if task.kind in ("overview", "lesson"):
            return contracts.to_article(answer, passages, figures)
        lesson = inputs["lesson"]
        if task.kind == "quiz":
            labels = words(inputs["course"]["language"])
            objectives = [o["id"] for o in lesson["objectives"]]
            return contracts.to_quiz(answer, lesson["title"], lesson["id"], (labels["true"], labels["false"]), tuple(objectives))
        return contracts.to_slides(answer, lesson["title"], figures)


def language_names(tag: str) -> tuple[str, str]:
    """A language's name in English and in itself ("French", "français"), from CLDR through
    Babel; the tag itself for a language CLDR does not name."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return tag, tag
    return locale.get_display_name("en") or tag, locale.get_display_name(locale) or tag


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def openai_client(base_url: str, timeout: float) -> Any:
    """The official SDK's client for `base_url` (its own retries off: ours are in chat.py), with the
    key from OPENAI_API_KEY; a server on this machine needs none."""
    from openai import OpenAI, OpenAIError

    key = os.environ.get("OPENAI_API_KEY")
    if not key and is_local(base_url):
        key = "not-needed"  # local servers (Ollama, llama.cpp, vLLM, LM Studio) take any key
    if not key:
        raise CoursewareError(f"no API key for {base_url}: set the OPENAI_API_KEY environment variable (or build with --provider offline)")
    if key != "not-needed":
        redact.register(key)  # whatever the environment says later, this key never reaches a message
    try:
        client = OpenAI(api_key=key, base_url=base_url, max_retries=0, timeout=timeout, http_client=_plain_http(base_url, timeout))
    except OpenAIError as exc:
        raise CoursewareError(f"cannot set up the OpenAI client: {redact.one_line(str(exc))}") from None
    client.chat.completions  # its modules imported now, once: not by each forked process as it starts its calls
    return client


def _plain_http(base_url: str, timeout: float) -> Any:
    """For a server reached over plain http (Ollama, llama.cpp, vLLM on this machine or the local
    network): an HTTP client that never speaks TLS, so it loads no certificate store (29 ms each
    time). It follows no redirect, so no request goes anywhere but the base URL. None for https:
    the SDK's own client, which verifies certificates."""
    if urlparse(base_url).scheme != "http":
        return None
    from openai import DefaultHttpxClient

    return DefaultHttpxClient(verify=False, follow_redirects=False, timeout=timeout)


def _same_model(asked: str, answered: str) -> bool:
    """OpenAI answers 'gpt-4o-mini' as its snapshot 'gpt-4o-mini-2024-07-18': the same model."""
    return answered == asked or answered.startswith(asked + "-")
