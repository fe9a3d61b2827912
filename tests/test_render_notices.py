"""Render notices: what a format degrades is said once, in the order first said."""

from __future__ import annotations

import pytest

from courseware.render.notices import RenderNotice, collected, notice


def test_a_notice_is_kept_once_in_the_order_first_said():
    with collected() as notices:
        notice("b.md: second")
        notice("a.md: first")
        notice("b.md: second")
    assert notices.lines == ["b.md: second", "a.md: first"]


def test_a_nested_collection_reaches_the_outer_one():
    with collected() as outer:
        notice("x")
        with collected() as inner:
            notice("y")
            notice("x")
    assert inner.lines == ["y", "x"] and outer.lines == ["x", "y"]


def test_a_notice_outside_a_render_is_a_warning_not_lost():
    with pytest.warns(RenderNotice, match="^lesson.md: shown as LaTeX$"):
        notice("lesson.md: shown as LaTeX")
