"""The JSON schema sent to a server: derived from a contract model, closed and inlined as strict
structured outputs want it, and cut to the keywords the server's grammar honours.

Servers differ: OpenAI strict mode refuses keywords it does not support, and llama.cpp stops
enforcing the whole schema, silently, when it meets one it does not know. So each server
profile (`llm.server`) lists the optional keywords that server honours; everything else a
contract says is still checked locally (docs/servers.md has the table and its sources).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel

# Sent to every server: the shape of the answer. Everything else is optional, per server.
BOUNDS = ("minLength", "maxLength", "pattern", "minimum", "maximum", "minItems", "maxItems")
HONOURED: dict[str, frozenset[str]] = {
    # OpenAI strict mode documents pattern, minimum/maximum and minItems/maxItems, not lengths.
    "openai": frozenset({"pattern", "minimum", "maximum", "minItems", "maxItems"}),
    "llama.cpp": frozenset(BOUNDS),  # llguidance enforces all of them (probed)
    "vllm": frozenset(BOUNDS),  # its auto backend moves schemas xgrammar cannot fully enforce to llguidance
    # Ollama converts to a GBNF grammar that copies pattern classes unescaped into JSON strings.
    "ollama": frozenset({"minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems"}),
    # Any other grammar engine (GBNF, llguidance, xgrammar, outlines) knows the bounds; patterns
    # are where they part ways, so an unknown server gets none.
    "other": frozenset({"minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems"}),
}
DROPPED = ("title", "description", "default", "discriminator", "$defs")


def derive(model: type[BaseModel], server: str, in_prompt: bool = False) -> dict[str, Any]:
    """The schema of `model` for `server`: $refs inlined (Ollama's converter breaks on nested
    ones), every object closed with every property required, tagged unions as one plain anyOf,
    const as a one-value enum, and only the bound keywords the server honours. `in_prompt`
    leaves out patterns too: a schema shown to the model in the prompt is read, not enforced."""
    keep = HONOURED[server] - ({"pattern"} if in_prompt else set())
    return _clean(_inlined(model), keep)


@cache
def _inlined(model: type[BaseModel]) -> dict[str, Any]:
    """The model's pydantic schema with its $refs inlined, made once per model: each server and
    the prompt take their own cleaned copy of it (_clean builds new objects, never changes these)."""
    full = model.model_json_schema()
    return _inline(full, full.get("$defs", {}))


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_inline(value, defs) for value in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {**target, **{k: _inline(v, defs) for k, v in node.items() if k != "$ref"}}
    return {key: _inline(value, defs) for key, value in node.items()}


def _clean(schema: dict[str, Any], keep: frozenset[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in DROPPED or (key in BOUNDS and key not in keep):
            continue
        if key == "properties":  # property names are data, not keywords (a property may be called "title")
            out[key] = {name: _clean(sub, keep) for name, sub in value.items()}
        elif key == "items":
            out[key] = _clean(value, keep)
        elif key in ("anyOf", "oneOf"):  # tagged unions come as oneOf; anyOf is what every server takes
            out["anyOf"] = _branches(value, keep)
        elif key == "const":
            out["enum"] = [value]
        else:
            out[key] = value
    if out.get("type") == "object" and "properties" in out:
        out["additionalProperties"] = False  # without it llama.cpp adds and repeats keys
        out["required"] = list(out["properties"])
    return out


def _branches(value: list[dict[str, Any]], keep: frozenset[str]) -> list[dict[str, Any]]:
    """A union's branches, a union nested in it (an optional tagged union) spliced in: one anyOf."""
    out: list[dict[str, Any]] = []
    for branch in value:
        cleaned = _clean(branch, keep)
        out += cleaned["anyOf"] if set(cleaned) == {"anyOf"} else [cleaned]
    return out
