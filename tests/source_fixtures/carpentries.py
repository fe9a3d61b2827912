"""A lesson episode in the Carpentries Workbench dialect (sandpaper): YAML front matter, Pandoc
fenced divs (nested, any number of colons, the attribute form), ```output fences, an image
with an `{alt=...}` attribute, reference links and a Liquid include."""

from __future__ import annotations

from pathlib import Path

NAME = "episodes/searching-text.md"
FIGURE = "episodes/fig/grep-flow.svg"
INSTRUCTOR_SENTENCES = (
    "Learners often type the file name before the pattern.",
    "Ask two learners to read their command aloud before running it.",
)

TEXT = """\
---
title: "Searching Text with grep"
teaching: 15
exercises: 10
---

:::::::::::::::::::::::::::::::::::::: questions

- How can I find the lines of a file that contain a word?
- How can I search many files at once?

::::::::::::::::::::::::::::::::::::::::::::::::

::::::::::::::::::::::::::::::::::::: objectives

- Search a file for a pattern with `grep`.
- Combine options to count and number the matching lines.

::::::::::::::::::::::::::::::::::::::::::::::::

::: prereq
You need a terminal and the file `ports.txt` from the lesson data.
:::

## Finding lines that match

The **grep** command reads a file line by line and prints every line that contains a
**pattern**. A pattern can be a plain word or a [regular expression][regex], a small language
for describing text.

```bash
grep harbour ports.txt
```

```output
Old harbour road
The harbour closes at dusk
```

::: callout

### Quoting patterns

Put a pattern in single quotes when it holds spaces or characters the shell would read
itself, such as `*` or `$`.

:::

After a search, the **exit status** of grep tells a script whether anything matched: zero
when at least one line matched, one when none did.

![](fig/grep-flow.svg){alt='A file flows through grep, which keeps only the lines that match the pattern.'}

::::::::::::::::::::::::::::::::::::: instructor

Learners often type the file name before the pattern. Show the message this gives, then
swap the two.

::::::::::::::::::::::::::::::::::::::::::::::::

## Useful options

grep changes its behaviour with **options**: single letters after a dash that come before the
pattern.

| Option | What it does |
|--------|--------------|
| `-i` | ignores the case of letters |
| `-n` | numbers each matching line |
| `-c` | counts the matching lines instead of printing them |

Options can be combined: `grep -in harbour ports.txt` numbers the matching lines and ignores
the case of the letters.

:::::::::::::::::::::::::::::::::::::::: challenge

## Counting matches

How many lines of `ports.txt` mention the word *ferry*, whatever its case?

1. Write the command.
2. Check it against the file.

:::::::::::::::: hint

One option counts, another ignores case.

:::::::::::::::::::::

:::::::::::::::: solution

```bash
grep -ci ferry ports.txt
```

```output
3
```

::: instructor
Ask two learners to read their command aloud before running it.
:::

:::::::::::::::::::::::::

::::::::::::::::::::::::::::::::::::::::::::::::::

::: {.discussion title="When is grep the wrong tool?"}
Think of a search where matching single lines is not enough.
:::

::: {.callout}
### Searching folders
The `-r` option searches every file below a folder.

::: spoiler
### Why recursive?
The search descends into each folder it meets, the way a recursive function calls itself.
:::
:::

::: caution
Searching a whole disk with `-r` can take a long time; start from the narrowest folder you can.
:::

The same options work when grep reads from a **pipe** instead of a file, which makes it a
building block of longer commands. See the [manual page][grep-manual] and the
[course glossary][glossary].

::::::::::::::::::::::::::::::::::::: keypoints

- `grep` prints the lines of a file that contain a pattern.
- The options `-i`, `-n` and `-c` ignore case, number the lines and count the matches.

::::::::::::::::::::::::::::::::::::::::::::::::

[regex]: https://en.wikipedia.org/wiki/Regular_expression
[grep-manual]: https://www.gnu.org/software/grep/manual/grep.html

{% include links.md %}
"""

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#eee"/><text x="10" y="25">grep</text></svg>\n"""


def make(folder: Path) -> Path:
    """Write the episode and its figure under `folder`; the episode's path."""
    path = folder / NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEXT, "utf-8")
    (folder / FIGURE).parent.mkdir(parents=True, exist_ok=True)
    (folder / FIGURE).write_text(SVG, "utf-8")
    return path
