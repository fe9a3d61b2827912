"""The one interface every provider implements, and the registry that finds them by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from courseware.errors import CoursewareError, GenerationError

if TYPE_CHECKING:
    from courseware.batch.collect import Collector
    from courseware.content.model import Article, Quiz, SlideDeck
    from courseware.generate.figures import SourceFigure
    from courseware.generate.settings import LLMConfig
    from courseware.generate.stats import Stats
    from courseware.plan import Task
    from courseware.grounding.select import Grounding
    from courseware.grounding.sources import SourceDocument
    from courseware.spec.model import Spec
    from courseware.translate.plan import TranslationTask


@dataclass(frozen=True)
class ProviderContext:
    """What a provider may read besides the task: the spec, its sources, the resolved settings,
    and the sources' figures (their `src` relative to a lesson's markdown file)."""

    spec: Spec
    sources: list[SourceDocument]
    config: LLMConfig
    stats: Stats
    content_dir: Path | None = None  # where the task files are written: figures' paths are relative to them
    figures: tuple[SourceFigure, ...] = ()
    grounding: Grounding | None = None  # the course's passages: the key terms offline quizzes draw on
    batch: Collector | None = None  # a batch build: answers come from batch results, the calls left are collected


class FatalProviderError(GenerationError):
    """The provider cannot serve any task (bad key, unknown model, no quota): stop the build."""


class Deferred(GenerationError):
    """A batch build: the task's answer is not in the batch results yet. Its request is collected
    for a batch, and the task is done in a later round; not a failure."""


class Provider(ABC):
    """Turns one task into one content model."""

    name: str = ""
    model: str = ""
    calls_model = False  # True when generate() makes network calls worth a progress display
    local = False  # True when the model runs on this machine: its calls cost nothing
    # True: a quiz is grounded in passages no other lesson's quiz is (offline items quote source
    # sentences, which must not repeat across a course). False: a lesson's three tasks share its
    # lesson's passages, one context that servers cache as a prompt prefix.
    own_quiz_pools = True
    translates = False  # True when translate() works (a model); the offline provider cannot translate

    def translate(self, task: TranslationTask) -> dict[str, str]:
        """The translation of each of the task's units it asks for (`task.asked()`), by unit id, every
        placeholder kept; raise GenerationError naming the task when it cannot be had."""
        raise GenerationError(f"{task.id}: the {self.name} provider cannot translate; use a model, or XLIFF for a human translator")

    def identity(self, kind: str) -> dict:
        """Everything about this provider that decides a `kind` task's output; part of its content key."""
        return {"provider": self.name, "model": self.model}

    def prepare(self) -> None:
        """Get ready to generate (checks that need I/O); called once before the first task."""

    def answered_by(self, task_id: str) -> str | None:
        """The model that really answered a task, when the server named one (provenance)."""
        return None

    def notes(self) -> list[str]:
        """Warnings about the run as a whole, once it is over."""
        return []

    # Sharing a build's tasks among forked processes (generate/forked.py) -----------------------

    forks = False  # True: its tasks may be shared among forked processes (many calls to a server)

    def forked(self) -> None:
        """In a forked child, before its first task: drop what must not be shared (a connection pool)."""

    def carry(self, task_id: str) -> Any:
        """What a child learnt about a finished task that the parent needs (picklable)."""
        return None

    def adopt(self, task_id: str, carried: Any) -> None:
        """In the parent: take what `carry` gave for the task."""

    @abstractmethod
    def generate(self, task: Task) -> Article | Quiz | SlideDeck:
        """Produce the content for `task`, or raise GenerationError naming it."""


PROVIDERS: dict[str, Callable[[ProviderContext], Provider]] = {}
# Each provider's module, imported when the provider is made (it registers itself with
# @register): validating a spec names the providers without importing an HTTP client (~35 ms).
MODULES = {"offline": "courseware.generate.offline", "openai": "courseware.generate.openai_provider"}


def register(name: str) -> Callable[[Callable[[ProviderContext], Provider]], Callable[[ProviderContext], Provider]]:
    """Class decorator: make a provider available under `name` (its module listed in MODULES)."""

    def add(factory: Callable[[ProviderContext], Provider]) -> Callable[[ProviderContext], Provider]:
        PROVIDERS[name] = factory
        return factory

    return add


def available_providers() -> list[str]:
    """Names of every provider, sorted."""
    return sorted(MODULES)


def make_provider(name: str, context: ProviderContext) -> Provider:
    """The provider called `name`; a clear error lists the available ones."""
    if name not in MODULES:
        raise CoursewareError(f"unknown provider '{name}'; available: {', '.join(available_providers())}")
    import_module(MODULES[name])
    return PROVIDERS[name](context)
