"""Map a key path (a pydantic error location) to the YAML node, and so to a line and column."""

from __future__ import annotations

from collections.abc import Sequence

import yaml


def node_for(root: yaml.Node, loc: Sequence[str | int], *, key: bool = False) -> yaml.Node:
    """The deepest node along `loc`; with `key`, the key node of the last mapping step."""
    node = root
    for i, step in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            pair = next(((k, v) for k, v in node.value if k.value == step), None)
            if pair is None:
                return node
            node = pair[0] if (last and key) else pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
        else:
            return node
    return node


def format_path(loc: Sequence[str | int]) -> str:
    """('modules', 0, 'lessons', 1, 'id') -> 'modules[0].lessons[1].id'."""
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def duplicate_keys(root: yaml.Node) -> list[tuple[yaml.Node, list[str | int]]]:
    """Key nodes that repeat a key of the same mapping (YAML loaders silently keep the last)."""
    found: list[tuple[yaml.Node, list[str | int]]] = []
    seen_nodes: set[int] = set()

    def walk(node: yaml.Node, path: list[str | int]) -> None:
        if id(node) in seen_nodes:
            return
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for k, v in node.value:
                name = k.value if isinstance(k, yaml.ScalarNode) else str(k.value)
                if name in keys:
                    found.append((k, [*path, name]))
                keys.add(name)
                walk(v, [*path, name])
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, [*path, i])

    walk(root, [])
    return found


def expanded_size(root: yaml.Node, limit: int) -> int:
    """How many nodes the document has once aliases are expanded, counting up to `limit`."""
    memo: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) in memo:
            return memo[id(node)]
        memo[id(node)] = limit  # a node that contains itself counts as too large
        total = 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item)
        memo[id(node)] = min(total, limit)
        return memo[id(node)]

    return size(root)
