"""An HTML source as a course website serves one: a lesson on photosynthesis in an <article>,
with the site's navigation, banner, cookie notice, sidebar and footer around it.

The article holds two levels of headings, paragraphs with **bold** key terms, a nested list, a
table with a caption and a cell spanning two rows, a figure (its PNG written beside the page)
with alt text and a caption, a code block, a tip, an exercise with its solution and an
instructor note.
"""

from __future__ import annotations

import io
from pathlib import Path

PAGE = "photosynthesis.html"
IMAGE = "images/leaf-section.png"

HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Photosynthesis | Open Biology Course</title>
  <style>body { font-family: sans-serif; }</style>
  <script>window.analytics = "Tracking code nobody reads";</script>
</head>
<body>
  <a class="skip-link" href="#content">Skip to content</a>
  <div id="cookie-notice">This site uses cookies to remember your preferences. <button>Accept</button></div>
  <header class="site-header">
    <p class="site-name">Open Biology Course</p>
    <nav><ul><li><a href="index.html">Home</a></li><li><a href="cells.html">Cells</a></li></ul></nav>
  </header>
  <div class="layout">
    <aside class="sidebar"><h2>Other lessons</h2><ul><li><a href="respiration.html">Respiration</a></li></ul></aside>
    <article id="content">
      <h1>Photosynthesis</h1>
      <p>Green plants make their own food. In <strong>photosynthesis</strong>, a plant uses the energy
      of sunlight to turn water and carbon dioxide into sugar, and it releases oxygen as a by-product.</p>
      <p>The process takes place in the <strong>chloroplasts</strong>, small bodies inside the cells of a
      leaf. Each chloroplast is packed with <strong>chlorophyll</strong>, the green pigment that absorbs
      red and blue light and reflects green light, which is why leaves look green.</p>
      <h2>The two stages</h2>
      <p>Photosynthesis happens in two linked stages. The <em>light-dependent reactions</em> capture energy,
      and the <strong>Calvin cycle</strong> uses that energy to build <code>C6H12O6</code>, the sugar glucose
      (see <a href="https://en.wikipedia.org/wiki/Calvin_cycle">the Calvin cycle</a>).</p>
      <ul>
        <li>Light-dependent reactions
          <ul><li>take place in the thylakoid membranes</li><li>split water and release oxygen</li></ul>
        </li>
        <li><p>Calvin cycle</p><p>takes place in the stroma</p></li>
      </ul>
      <table>
        <caption>What goes in and what comes out</caption>
        <thead><tr><th>Substance</th><th>Role</th><th>Stage</th></tr></thead>
        <tbody>
          <tr><td>Water</td><td>input</td><td rowspan="2">light-dependent reactions</td></tr>
          <tr><td>Oxygen</td><td>output</td></tr>
          <tr><td>Carbon dioxide</td><td>input</td><td>Calvin cycle</td></tr>
        </tbody>
      </table>
      <figure>
        <img src="images/leaf-section.png" alt="A cross-section of a leaf with its chloroplasts drawn as green ovals">
        <figcaption>Chloroplasts in the cells of a leaf.</figcaption>
      </figure>
      <h3>Modelling the rate</h3>
      <p>The rate of photosynthesis rises with light intensity until another factor, such as the
      amount of carbon dioxide, limits it. A short program can model this <strong>limiting factor</strong>:</p>
      <pre class="language-python"><code>def rate(light, co2):
    return min(light, co2)</code></pre>
      <div class="callout tip"><h4>Remember</h4><p>Light, water and carbon dioxide go in; sugar and oxygen come out.</p></div>
      <div class="callout challenge">
        <h4>Check your understanding</h4>
        <p>Why do leaves look green?</p>
        <details class="solution"><summary>Solution</summary><p>Chlorophyll reflects green light and absorbs red and blue light.</p></details>
      </div>
      <div class="instructor-note"><p>Bring a potted plant and a lamp to class so the students can see bubbles of oxygen.</p></div>
      <footer class="article-footer">Tags: plants, energy</footer>
    </article>
  </div>
  <footer class="site-footer"><p>Copyright 2026 Open Biology Course. All rights reserved.</p></footer>
</body>
</html>
"""


def png() -> bytes:
    """A small leaf-green picture with a darker frame."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 80), "#cfe8c2")
    ImageDraw.Draw(image).ellipse([20, 15, 100, 65], outline="#2e6b1f", width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def make(folder: Path) -> Path:
    """Write the page and its image into `folder`; return the page's path."""
    page = folder / PAGE
    page.write_text(HTML, "utf-8")
    (folder / IMAGE).parent.mkdir(parents=True, exist_ok=True)
    (folder / IMAGE).write_bytes(png())
    return page
