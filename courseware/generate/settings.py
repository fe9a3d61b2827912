"""LLM settings resolved in one place: CLI flag > environment > spec `llm:` > default."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlparse

from courseware.errors import CoursewareError
from courseware.spec.model import SERVERS, STRUCTURED_OUTPUT, LLMSettings, Prices

BUILT_IN_PROMPTS = Path(__file__).resolve().parent.parent / "prompts"

# Environment variables for each setting; the SDK's own OPENAI_BASE_URL counts too.
ENVIRONMENT = {
    "provider": ("COURSEWARE_PROVIDER",),
    "model": ("COURSEWARE_MODEL",),
    "base_url": ("COURSEWARE_BASE_URL", "OPENAI_BASE_URL"),
    "temperature": ("COURSEWARE_TEMPERATURE",),
    "seed": ("COURSEWARE_SEED",),
    "max_tokens": ("COURSEWARE_MAX_TOKENS",),
    "frequency_penalty": ("COURSEWARE_FREQUENCY_PENALTY",),
    "timeout": ("COURSEWARE_TIMEOUT",),
    "concurrency": ("COURSEWARE_JOBS",),
    "structured_output": ("COURSEWARE_STRUCTURED_OUTPUT",),
    "server": ("COURSEWARE_SERVER",),
    "prompts": ("COURSEWARE_PROMPTS",),
}
DEFAULTS = {"provider": "offline", "timeout": 120.0, "concurrency": 4, "structured_output": "json_schema", "retries": 6}
CASTS = {"temperature": float, "seed": int, "max_tokens": int, "frequency_penalty": float, "timeout": float, "concurrency": int}


@dataclass(frozen=True)
class LLMConfig:
    provider: str
    model: str | None
    base_url: str | None
    temperature: float | None
    seed: int | None
    max_tokens: int | None
    frequency_penalty: float | None
    timeout: float
    concurrency: int
    structured_output: str
    server: str  # the kind of server behind base_url: what its structured outputs honour
    prompts: Path
    prices: Prices | None
    batch_prices: Prices | None
    retries: int
    cache_dir: Path

    def parameters(self) -> dict:
        """The model parameters that decide an answer (part of every content key). The frequency
        penalty only when set, so the keys of builds that never set it stay what they were."""
        found = {"temperature": self.temperature, "seed": self.seed, "max_tokens": self.max_tokens}
        return found if self.frequency_penalty is None else {**found, "frequency_penalty": self.frequency_penalty}


def resolve(spec: LLMSettings, spec_root: Path, flags: Mapping[str, object], env: Mapping[str, str] | None = None, cache_dir: Path = Path(".courseware/cache")) -> LLMConfig:
    """Each setting from the first place that has it: flags, environment, spec, default."""
    env = os.environ if env is None else env
    chosen: dict[str, object] = {}
    for name in (f.name for f in fields(LLMConfig)):
        if flags.get(name) is not None:
            chosen[name] = flags[name]
            continue
        from_env = next((env[var] for var in ENVIRONMENT.get(name, ()) if env.get(var)), None)
        if from_env is not None:
            chosen[name] = _cast(name, from_env, ENVIRONMENT[name][0])
        elif getattr(spec, name, None) is not None:
            value = getattr(spec, name)
            chosen[name] = spec_root / value if name == "prompts" else value
        else:
            chosen[name] = DEFAULTS.get(name)
    chosen["prompts"] = Path(chosen["prompts"]) if chosen["prompts"] else BUILT_IN_PROMPTS
    chosen["cache_dir"] = Path(flags.get("cache_dir") or env.get("COURSEWARE_CACHE") or cache_dir)
    if chosen["structured_output"] not in STRUCTURED_OUTPUT:
        raise CoursewareError(f"structured_output {chosen['structured_output']!r}: use one of {', '.join(STRUCTURED_OUTPUT)}")
    penalty = chosen["frequency_penalty"]
    if penalty is not None and not -2 <= penalty <= 2:  # type: ignore[operator]
        raise CoursewareError(f"frequency_penalty {penalty}: use a number from -2 to 2 (0 leaves repetition alone)")
    chosen["server"] = chosen["server"] or infer_server(chosen["base_url"])  # type: ignore[arg-type]
    if chosen["server"] not in SERVERS:
        raise CoursewareError(f"server {chosen['server']!r}: use one of {', '.join(SERVERS)}")
    return LLMConfig(**chosen)  # type: ignore[arg-type]


def infer_server(base_url: str | None) -> str:
    """`openai` for OpenAI and Azure OpenAI endpoints (and no base URL: the SDK's default),
    `other` for anything else: set llm.server to tell llama.cpp, vLLM or Ollama apart."""
    host = (urlparse(base_url).hostname or "") if base_url else "api.openai.com"
    return "openai" if host == "api.openai.com" or host.endswith(".openai.azure.com") else "other"


def _cast(name: str, value: str, variable: str) -> object:
    cast = CASTS.get(name)
    if cast is None:
        return value
    try:
        return cast(value)
    except ValueError:
        raise CoursewareError(f"{variable}={value!r}: expected {'a whole number' if cast is int else 'a number'}") from None
