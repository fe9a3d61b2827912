"""The one inline reader every renderer uses: runs, money that stays money, MathML that is always XML."""

from __future__ import annotations

import pytest
from lxml import etree

from courseware.markdown.inline import MathError, mathml, plain, spans

M = "{http://www.w3.org/1998/Math/MathML}"


def test_runs_carry_code_math_styles_and_safe_links_only():
    found = spans("Run `pwd` **now**: $x^2$, [docs](https://example.org), [x](javascript:alert(1)), [y](../notes.md)")
    assert [(s.kind, s.text) for s in found if s.kind != "text"] == [("code", "pwd"), ("math", "x^2")]
    assert next(s for s in found if s.text == "now").strong
    assert [s.href for s in found if s.href] == ["https://example.org", "../notes.md"]
    assert "javascript" not in "".join(str(s.href) for s in found)


@pytest.mark.parametrize("text", ["It costs $5 and $6.", "between $ 3 $ and 4", "a price of $10"])
def test_money_is_not_math(text):
    assert all(s.kind == "text" for s in spans(text)) and plain(text) == text


@pytest.mark.parametrize("latex", [r"\text{<img src=x onerror=alert(1)>} a", r"\text{a & b}", r"\begin{aligned} a &= b \\ c &= d \end{aligned}", r"\bar{x}=\frac{1}{n}\sum_{i=1}^{n} x_i"])
def test_mathml_is_well_formed_xml_with_its_latex_as_annotation(latex):
    root = etree.fromstring(mathml(latex, display=True))
    assert root.tag == f"{M}math" and root.get("alttext") == latex and root.get("display") == "block"
    (semantics,) = root
    assert [child.tag for child in semantics] == [f"{M}mrow", f"{M}annotation"] and semantics[1].text == latex
    assert not root.findall(".//{*}img") and not root.findall(".//img")


def test_latex_that_cannot_be_shown_is_a_math_error():
    with pytest.raises(MathError, match=r"the formula \$\\frac\{1\}\{\$ is not LaTeX that can be shown"):
        mathml(r"\frac{1}{")
