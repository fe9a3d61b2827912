"""Which real tools a test drives, read from its code, so conftest can mark it without anyone
remembering to: `browser` (Chromium, through Playwright or on the command line), `office`
(LibreOffice's soffice), `model` (the real llama.cpp server of tests/llama_server.py).

A test uses a tool when its function, one of its fixtures, or a function or class of tests/ that
they name (followed through calls, nested functions and modules) mentions the tool: the name
`sync_playwright`, a string naming the `soffice` or `chromium` command, the `llama_server`
module or fixture. Names are matched without knowing the call they belong to, so a test that
merely could reach a tool is marked too: `make test-fast` then leaves out a little more, never
a test that runs a tool.
"""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent
WORDS = {"office": re.compile(r"\bsoffice\b"), "browser": re.compile(r"\bchromium\b"), "model": re.compile(r"\bllama_server\b")}
NAMES = {"sync_playwright": "browser", "llama_server": "model"}
"""Names whose mere use means the tool (the Playwright entry point; the llama.cpp server's module
or session fixture)."""


def _codes(code: types.CodeType):
    """`code` and every code object nested in it (inner functions, lambdas, comprehensions)."""
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _in_tests(obj: Any) -> bool:
    """True for a function (also one behind a decorator such as @contextmanager), class or module of tests/."""
    if callable(obj) and not inspect.isclass(obj):
        try:
            obj = inspect.unwrap(obj)
        except ValueError:  # a __wrapped__ cycle: not ours
            return False
    source = getattr(getattr(obj, "__code__", None), "co_filename", None) or getattr(obj, "__file__", None)
    if source is None and inspect.isclass(obj):
        source = getattr(inspect.getmodule(obj), "__file__", None)
    return source is not None and Path(source).resolve().is_relative_to(TESTS)


class ToolFinder:
    """Memoised: tools(function) is the set of marks a function of tests/ reaches."""

    def __init__(self) -> None:
        self._seen: dict[int, set[str]] = {}

    def tools(self, obj: Any) -> set[str]:
        """The tool marks `obj` (a function, class or module of tests/) reaches."""
        key = id(obj)
        if key in self._seen:
            return self._seen[key]
        self._seen[key] = found = set()  # a cycle (recursion, mutual calls) ends here
        if inspect.ismodule(obj):
            return found
        if inspect.isclass(obj):
            for member in vars(obj).values():
                member = getattr(member, "__func__", member)  # staticmethod, classmethod
                if inspect.isfunction(member):
                    found |= self.tools(member)
            return found
        func = inspect.unwrap(obj)
        if not hasattr(func, "__code__"):
            return found
        found |= self._read(func.__code__, func.__globals__)
        return found

    def _read(self, code: types.CodeType, scope: dict) -> set[str]:
        found: set[str] = set()
        names: set[str] = set()
        for inner in _codes(code):
            names.update(inner.co_names)
            texts = [c for c in inner.co_consts if isinstance(c, str)]
            found |= {mark for mark, word in WORDS.items() if any(word.search(t) for t in texts)}
        found |= {NAMES[n] for n in names if n in NAMES}
        modules = [scope[n] for n in names if inspect.ismodule(scope.get(n)) and _in_tests(scope[n])]
        for name in names:
            value = scope.get(name)
            if isinstance(value, str):
                found |= {mark for mark, word in WORDS.items() if word.search(value)}
            elif value is not None and not inspect.ismodule(value) and _in_tests(value):
                found |= self.tools(value)
            for module in modules:  # `fixture.docx()`: an attribute of a tests/ module
                attribute = getattr(module, name, None)
                if attribute is not None and not inspect.ismodule(attribute) and _in_tests(attribute):
                    found |= self.tools(attribute)
        return found
