"""YAML as courseware reads it: PyYAML's safe loader, parsed by libyaml's C parser (PyYAML's
wheels ship it), which reads a spec several times faster than the pure-Python scanner. The
values are built by the same SafeConstructor either way, and every node keeps its line and
column. A document the C parser refuses is read again by the pure-Python one, whose messages
say what it found ("expected ',' or ']', but got ':'"), so errors read as they always did."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

FAST: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # a PyYAML built without libyaml: the same answers, slower


def compose(text: str) -> yaml.Node | None:
    """The node tree of one document, each node marked with where it starts."""
    return _read(lambda loader: yaml.compose(text, Loader=loader))


def load(text: str) -> Any:
    """The plain value of one document."""
    return _read(lambda loader: yaml.load(text, Loader=loader))  # noqa: S506 (safe loaders only)


def construct(node: yaml.Node | None) -> Any:
    """The plain value of composed nodes (no second parse); None for an empty document."""
    return None if node is None else yaml.SafeLoader("").construct_document(node)


def _read(read: Callable[[type], Any]) -> Any:
    try:
        return read(FAST)
    except yaml.YAMLError:
        if FAST is yaml.SafeLoader:
            raise
        return read(yaml.SafeLoader)  # raises its own error, with the better message
