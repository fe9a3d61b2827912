"""The HTML reader: a page's main content (its article, not the site around it) as headings and
blocks with their line and role; the rules for real pages one by one; bad files as one-line errors."""

from __future__ import annotations

import pytest
import yaml

from courseware.content.blocks import Callout, Code, Figure, ListBlock, ListItem, Math, Paragraph, Quote, Table, texts
from courseware.grounding.sources import SourceDocument
from courseware.markdown.inline import plain
from courseware.readers import SourceUnreadable, reader_for
from courseware.readers.base import BOX, EXERCISE, INSTRUCTOR, NARRATIVE, SOLUTION, Heading, Piece
from courseware.readers.html import HtmlReader
from courseware.readers.html_blocks import Converter

from source_fixtures import html as fixture


def line_of(marker: str) -> int:
    """The line of the fixture page that starts with `marker` (after its indentation)."""
    return next(n for n, line in enumerate(fixture.HTML.splitlines(), start=1) if line.strip().startswith(marker))


def read(page: str) -> list[Piece]:
    return HtmlReader().read(page.encode("utf-8")).pieces


def items(page: str) -> list:
    return [(p.role, p.item) for p in read(page)]


def body(inner: str) -> str:
    return f"<!DOCTYPE html><html><head><title>T</title></head><body><main>{inner}</main></body></html>"


def test_the_fixture_page_reads_as_its_article_with_lines_and_roles(tmp_path):
    page = fixture.make(tmp_path)
    assert reader_for(page.name).label == "HTML page"
    document = HtmlReader().read(page.read_bytes())
    assert document.title == "Photosynthesis" and document.media == {}
    P = Paragraph
    assert document.pieces == [
        Piece(Heading(1, "Photosynthesis"), line_of("<h1>")),
        Piece(P(text="Green plants make their own food. In **photosynthesis**, a plant uses the energy of sunlight to turn water and carbon dioxide into sugar, and it releases oxygen as a by-product."), line_of("<p>Green plants")),
        Piece(P(text="The process takes place in the **chloroplasts**, small bodies inside the cells of a leaf. Each chloroplast is packed with **chlorophyll**, the green pigment that absorbs red and blue light and reflects green light, which is why leaves look green."), line_of("<p>The process")),
        Piece(Heading(2, "The two stages"), line_of("<h2>The two")),
        Piece(P(text="Photosynthesis happens in two linked stages. The *light-dependent reactions* capture energy, and the **Calvin cycle** uses that energy to build `C6H12O6`, the sugar glucose (see [the Calvin cycle](https://en.wikipedia.org/wiki/Calvin_cycle))."), line_of("<p>Photosynthesis happens")),
        Piece(ListBlock(items=[
            ListItem(text="Light-dependent reactions", children=ListBlock(items=[ListItem(text="take place in the thylakoid membranes"), ListItem(text="split water and release oxygen")])),
            ListItem(text="Calvin cycle takes place in the stroma"),
        ]), line_of("<ul>")),
        Piece(Table(header=["Substance", "Role", "Stage"], rows=[["Water", "input", "light-dependent reactions"], ["Oxygen", "output", "light-dependent reactions"], ["Carbon dioxide", "input", "Calvin cycle"]], caption="What goes in and what comes out"), line_of("<table>")),
        Piece(Figure(src=fixture.IMAGE, alt="A cross-section of a leaf with its chloroplasts drawn as green ovals", caption="Chloroplasts in the cells of a leaf."), line_of("<img")),
        Piece(Heading(3, "Modelling the rate"), line_of("<h3>")),
        Piece(P(text="The rate of photosynthesis rises with light intensity until another factor, such as the amount of carbon dioxide, limits it. A short program can model this **limiting factor**:"), line_of("<p>The rate of")),
        Piece(Code(language="python", code="def rate(light, co2):\n    return min(light, co2)"), line_of("<pre")),
        Piece(Callout(style="tip", title="Remember", blocks=[P(text="Light, water and carbon dioxide go in; sugar and oxygen come out.")]), line_of('<div class="callout tip"'), role=BOX),
        Piece(Callout(style="activity", title="Check your understanding", blocks=[P(text="Why do leaves look green?")]), line_of('<div class="callout challenge"'), role=EXERCISE),
        Piece(Callout(style="note", title="Solution", blocks=[P(text="Chlorophyll reflects green light and absorbs red and blue light.")]), line_of("<details"), role=SOLUTION),
        Piece(Callout(style="note", blocks=[P(text="Bring a potted plant and a lamp to class so the students can see bubbles of oxygen.")]), line_of('<div class="instructor-note"'), role=INSTRUCTOR),
    ]
    assert (tmp_path / fixture.IMAGE).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_fixture_page_gives_passages_by_section_and_no_site_furniture(tmp_path):
    page = fixture.make(tmp_path)
    source = SourceDocument(page.name, page.read_bytes(), page.stat().st_size, page)
    passages = source.passages()
    assert [(p.section, p.trail, p.role, p.block.kind) for p in passages] == [
        ("Photosynthesis", (), NARRATIVE, "paragraph"), ("Photosynthesis", (), NARRATIVE, "paragraph"),
        ("The two stages", ("The two stages",), NARRATIVE, "paragraph"), ("The two stages", ("The two stages",), NARRATIVE, "list"),
        ("The two stages", ("The two stages",), NARRATIVE, "table"), ("The two stages", ("The two stages",), NARRATIVE, "figure"),
        *[("Modelling the rate", ("The two stages", "Modelling the rate"), role, kind) for role, kind in
          [(NARRATIVE, "paragraph"), (NARRATIVE, "code"), (BOX, "callout"), (EXERCISE, "callout"), (SOLUTION, "callout")]],
    ]
    assert source.images == (fixture.IMAGE,)
    everything = " ".join(p.text for p in passages)
    for furniture in ("Skip to content", "cookies", "Open Biology Course", "Home", "Other lessons", "Respiration", "Tags:", "Copyright", "Tracking", "font-family", "potted plant"):
        assert furniture not in everything


@pytest.mark.parametrize("page, kept", [
    ("<body><nav>Menu</nav><main><p>Main text.</p></main><p>Outside.</p></body>", ["Main text."]),
    ("<body><div role='navigation'>Menu</div><div role='main'><p>Role main.</p></div><p>Outside.</p></body>", ["Role main."]),
    ("<body><header><h1>Site</h1></header><article><header><h1>Own title</h1></header><p>Article text.</p><footer>Tags</footer></article><p>Outside.</p></body>", ["Own title", "Article text."]),
    ("<body><header>Banner</header><article><p>One.</p></article><article><p>Two.</p></article><footer>Foot</footer></body>", ["One.", "Two."]),
    ("<body><p>Loose <b>text</b>.</p><aside>Sidebar</aside><form><label>Name</label><input></form><noscript>Enable JS</noscript><template><p>Tpl</p></template></body>", ["Loose **text**."]),
    ("<body><p hidden>Hidden.</p><p aria-hidden='true'>Aria.</p><p style='display: none'>None.</p><div role='banner'>B</div><div role='contentinfo'>C</div><div role='complementary'>D</div><p>Shown.</p></body>", ["Shown."]),
    ("<body><div class='cookie-banner'>We use cookies.</div><div id='gdpr-consent'>Consent</div><a href='#main'>Skip to main content</a><p>Content.</p></body>", ["Content."]),
    ("<body><aside class='admonition warning'><p class='admonition-title'>Careful</p><p>Hot.</p></aside></body>", ["Careful", "Hot."]),
])
def test_only_the_main_content_is_read(page, kept):
    found = [t for p in read(f"<html><head><title>T</title></head>{page}</html>") for t in (texts(p.item) if not isinstance(p.item, Heading) else [p.item.text])]
    assert found == kept


def test_the_title_is_the_first_h1_else_the_title_element():
    assert HtmlReader().read(body("<p>x</p>").encode()).title == "T"
    assert HtmlReader().read(body("<h2>Sub</h2><h1>Main *one*</h1>").encode()).title == "Main \\*one\\*"


def test_lists_tables_and_spans():
    assert items(body("<ol><li><p>First</p><pre><code>x = 1</code></pre><p>then more</p></li><li><ul><li>only nested</li></ul></li></ol>")) == [
        (NARRATIVE, ListBlock(ordered=True, items=[ListItem(text="First then more"), ListItem(text="only nested")])),
        (NARRATIVE, Code(code="x = 1")),
    ]
    table = "<table><tr><td></td><td>2023</td><td>2024</td></tr><tr><td colspan='2'>A wide</td><td>3</td></tr><tr><td rowspan='2'>Tall</td><td>4</td><td>5</td></tr><tr><td>6</td><td>7</td></tr></table>"
    assert items(body(table)) == [(NARRATIVE, Table(header=["—", "2023", "2024"], rows=[["A wide", "A wide", "3"], ["Tall", "4", "5"], ["Tall", "6", "7"]]))]
    ragged = "<table><thead><tr><th colspan='2'>Group</th></tr><tr><th>a</th><th>b</th></tr></thead><tr><td>1</td></tr></table>"
    assert items(body(ragged)) == [(NARRATIVE, Table(header=["Group a", "Group b"], rows=[["1", ""]]))]
    assert items(body("<table><tr><td>Only</td><td>row</td></tr></table><table role='presentation'><tr><td><p>Layout cell.</p></td></tr></table>")) == [
        (NARRATIVE, Paragraph(text="Only")), (NARRATIVE, Paragraph(text="row")), (NARRATIVE, Paragraph(text="Layout cell.")),
    ]
    assert items(body("<dl><dt>Stroma</dt><dd>the fluid of a chloroplast</dd></dl>")) == [(NARRATIVE, ListBlock(items=[ListItem(text="**Stroma**: the fluid of a chloroplast")]))]


@pytest.mark.parametrize("html, language", [
    ("<pre class='language-r'><code>x</code></pre>", "r"), ("<pre><code class='lang-bash'>x</code></pre>", "bash"),
    ("<div class='highlight-python notranslate'><div class='highlight'><pre>x</pre></div></div>", "python"),
    ("<pre class='sourceCode julia'><code>x</code></pre>", "julia"), ("<pre>x</pre>", ""), ("<pre class='language-output'>x</pre>", ""),
])
def test_code_blocks_keep_their_language(html, language):
    assert items(body(html)) == [(NARRATIVE, Code(language=language, code="x"))]


def test_a_pre_marked_output_is_the_output_of_the_code_before_it():
    assert items(body("<pre class='language-bash'><code>ls</code></pre><pre class='output'><code>a.txt<br>b.txt</code></pre>")) == [
        (NARRATIVE, Code(language="bash", code="ls", output="a.txt\nb.txt")),
    ]


def test_images_need_alt_text_a_caption_or_a_title_and_a_relative_path():
    converter = Converter()
    import lxml.html

    page = lxml.html.fromstring(body(
        "<p>See <img src='a.png' alt='Chart A'> here.</p><img src='b.png'><img src='c.png' title='Title C'><img src='d.png' alt=''>"
        "<figure><img src='e.jpg' alt=''><figcaption>Caption E</figcaption></figure><img src='https://x.org/f.png' alt='F'>"
        "<img src='data:image/png;base64,AAAA' alt='G'><img src='h.tiff' alt='H'><img src='/abs.png' alt='I'>"
        "<p>An icon <img src='i.png' alt='(warning)' width='16'> inline.</p>"
    ))
    found = [(p.item.kind, list(texts(p.item)), getattr(p.item, "src", None)) for p in converter.convert(page.find(".//main"))]
    assert found == [
        ("paragraph", ["See here."], None), ("figure", ["Chart A"], "a.png"), ("figure", ["Title C"], "c.png"),
        ("figure", ["Caption E", "Caption E"], "e.jpg"), ("paragraph", ["An icon (warning) inline."], None),
    ]
    assert converter.skipped == 5  # b (no alt), f (URL), g (data URI), h (not an image type), the site-absolute one; d is decorative


def test_inline_text_is_markdown_that_reads_back_as_the_words():
    [(_, paragraph)] = items(body(
        "<p>A <em>b</em> <strong> c </strong> <code>d`e</code> <a href='https://x.org/a b'>link</a> <a href='mailto:m@x.org'>mail</a> "
        "<a href='page2.html'>next</a> <a href='javascript:alert(1)'>js</a> <a href='#top'>top</a> "
        "H<sub>2</sub>O x<sup>2</sup> line<br>break 5 * 3 = [15] &lt;tag&gt; <b><strong>x</strong></b></p>"
    ))
    assert paragraph.text == (
        "A *b* **c** ``d`e`` [link](<https://x.org/a b>) [mail](mailto:m@x.org) [next](page2.html) js top "
        "H2O x2 line break 5 \\* 3 = \\[15\\] \\<tag\\> **x**"
    )
    assert plain(paragraph.text) == "A b c d`e link mail next js top H2O x2 line break 5 * 3 = [15] <tag> x"


def test_math_is_latex_where_it_is_simple():
    mathml = "<math><semantics><mi>x</mi><annotation encoding='application/x-tex'>x^2</annotation></semantics></math>"
    assert items(body(f"<p>Area {mathml} and <span class='math inline'>\\(a+b\\)</span>.</p><div class='math display'>\\[E = mc^2\\]</div>"
                      f"<math display='block'><semantics><mi>y</mi><annotation encoding='application/x-tex'>y = 1</annotation></semantics></math>")) == [
        (NARRATIVE, Paragraph(text="Area $x^2$ and $a+b$.")), (NARRATIVE, Math(latex="E = mc^2")), (NARRATIVE, Math(latex="y = 1")),
    ]


def test_boxes_by_class_with_their_roles():
    page = body(
        "<blockquote><p>To be,</p><p>or not.</p></blockquote>"
        "<div class='callout challenge'><h3>Exercise 1</h3><p>Do it.</p><h4>Part b</h4><p>More.</p>"
        "<div class='solution'><h3>Answer</h3><p>Done.</p></div><div class='instructor'><p>Time it.</p></div></div>"
        "<aside class='note'><p>Aside note.</p></aside><div class='instructor-note'><div class='tip'><h2>Tip heading</h2><p>Still instructor.</p></div></div>"
        "<blockquote class='callout'><p>Quote box.</p></blockquote><p class='warning'>Hot surface.</p>"
    )
    assert items(page) == [
        (NARRATIVE, Quote(text="To be, or not.")),
        (EXERCISE, Callout(style="activity", title="Exercise 1", blocks=[Paragraph(text="Do it."), Paragraph(text="**Part b**"), Paragraph(text="More.")])),
        (SOLUTION, Callout(style="note", title="Answer", blocks=[Paragraph(text="Done.")])),
        (INSTRUCTOR, Callout(style="note", blocks=[Paragraph(text="Time it.")])),
        (BOX, Callout(style="note", blocks=[Paragraph(text="Aside note.")])),
        (INSTRUCTOR, Callout(style="note", title="Tip heading", blocks=[Paragraph(text="Still instructor.")])),
        (BOX, Callout(style="note", blocks=[Paragraph(text="Quote box.")])),
        (BOX, Callout(style="warning", blocks=[Paragraph(text="Hot surface.")])),
    ]


def test_pandoc_footnotes_follow_the_paragraph_that_cites_them():
    page = body(
        "<p>Claim.<a href='#fn1' class='footnote-ref' role='doc-noteref'><sup>1</sup></a></p><p>Next.</p>"
        "<section class='footnotes' role='doc-endnotes'><hr><ol><li id='fn1'><p>Source, p. 4.<a href='#fnref1' class='footnote-back' role='doc-backlink'>↩︎</a></p></li></ol></section>"
    )
    assert items(page) == [(NARRATIVE, Paragraph(text="Claim.")), (BOX, Callout(style="note", blocks=[Paragraph(text="Source, p. 4.")])), (NARRATIVE, Paragraph(text="Next."))]


@pytest.mark.parametrize("data, text", [
    ("<html><head><meta charset='windows-1252'></head><body><p>Caf\u00e9 \u2013 cr\u00e8me</p></body></html>".encode("cp1252"), "Caf\u00e9 \u2013 cr\u00e8me"),
    ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'></head><body><p>na\u00efve</p></body></html>".encode("latin-1"), "na\u00efve"),
    ("<html><body><p>\u00e9t\u00e9</p></body></html>".encode("utf-16"), "\u00e9t\u00e9"),  # with its BOM
    ("\ufeff<?xml version='1.0' encoding='utf-8'?><html xmlns='http://www.w3.org/1999/xhtml'><body><p>\u4e2d\u6587</p></body></html>".encode("utf-8"), "\u4e2d\u6587"),
])
def test_the_encoding_comes_from_the_bom_or_the_meta_charset(data, text):
    assert [p.item.text for p in HtmlReader().read(data).pieces] == [text]


@pytest.mark.parametrize("data, message", [
    (b"<html><body><p>caf\xe9</p>\n<p>ok</p></body></html>", "1: is not UTF-8 text, and its <meta charset> names no other encoding; name its encoding in <meta charset>, or save it as UTF-8"),
    (b"<meta charset='klingon'><p>x</p>", "declares the encoding 'klingon', which is none Python knows; name its encoding in <meta charset>, or save it as UTF-8"),
    (b"Just some words in a file.\nNo tags at all.", "is not an HTML page: it has no HTML tags; give a plain-text source the ending .txt or .md"),
    (b"<html><body><nav><a href='/'>Home</a></nav><script>render()</script></body></html>", "has no text outside navigation, scripts and forms (a page drawn by JavaScript?); save the page as shown, or its printable version"),
])
def test_what_cannot_be_read_says_so(data, message):
    with pytest.raises(SourceUnreadable) as raised:
        HtmlReader().read(data)
    assert raised.value.detail == message


def test_a_binary_file_named_html_is_a_one_line_error_from_the_cli(cli, tmp_path, monkeypatch):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "page.html").write_bytes(b"%PDF-1.7\n\x00\x01\x02\xff binary")
    spec = {
        "course": {"id": "t", "title": "T", "language": "en", "audience": "testers"},
        "sources": ["sources/page.html"],
        "objectives": [{"id": "LO1", "text": "Explain the topic"}],
        "modules": [{"id": "m1", "title": "M", "lessons": [{"id": "l1", "title": "L", "objectives": ["LO1"], "key_points": ["plants"]}]}],
        "outputs": ["markdown"],
    }
    (tmp_path / "course.yaml").write_text(yaml.safe_dump(spec), "utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("build", "course.yaml", "--provider", "offline", "--output", "out")
    assert (result.exit_code, result.stderr) == (1, "sources/page.html: is not an HTML page: it holds binary data (another kind of file, renamed?); give the file its own ending, or save the web page from a browser as HTML\n")
    assert not (tmp_path / "out").exists()
