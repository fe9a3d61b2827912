"""A lesson episode in the older Jekyll/kramdown dialect (swcarpentry styles): front matter with
questions/objectives/keypoints lists, blockquote boxes closed by `{: .challenge}` and friends
(a solution nested in a challenge), ~~~ code fences with `{: .language-bash}` and `{: .output}`,
Liquid `{{ page.root }}` paths and includes."""

from __future__ import annotations

from pathlib import Path

NAME = "_episodes/02-pipes.md"
FIGURE = "fig/pipeline.png"  # {{ page.root }}/fig: the lesson's folder, one above the episode
INSTRUCTOR_SENTENCES = ("Pause here and let every learner run the pipeline once before moving on.",)

TEXT = """\
---
title: "Counting and Sorting with Pipes"
teaching: 20
exercises: 10
questions:
- "How can I combine small commands into a bigger one?"
objectives:
- "Connect commands with a pipe."
- "Count and sort lines with `wc` and `sort`."
keypoints:
- "A pipe `|` sends the output of one command to the input of the next."
- "`sort -n` sorts lines by the number they start with."
---

## Counting lines

The **wc** command counts the lines, words and characters of a file. With the option `-l` it
counts **lines** only, which is often all we need to know about a data file.

~~~
$ wc -l rainfall.csv
~~~
{: .language-bash}

~~~
365 rainfall.csv
~~~
{: .output}

Counting is more useful once the output of one command can feed another, which is what a
**pipe** does.

> ## Why lines?
>
> Many data files keep one record on each line, so a count of lines is a count of records.
{: .callout}

After the box, the lesson goes on: the shell starts both commands at once and passes the text
between them as it is produced.

## Building a pipeline

A **pipeline** is a chain of commands joined by the `|` character. Each command reads what the
one before it writes.

![A pipeline: cat writes lines, sort orders them and head keeps the first three]({{ page.root }}/fig/pipeline.png)

| Command | Reads | Writes |
|---------|-------|--------|
| `sort -n` | lines | the lines in numeric order |
| `head -n 3` | lines | the first three lines |

~~~
$ sort -n rainfall.csv | head -n 3
~~~
{: .language-bash}

> ## Pipe the counts
>
> Write a pipeline that prints the **three** smallest values of `rainfall.csv`.
>
> - Use `sort` with the right option.
> - Keep only the first lines.
>
> > ## Solution
> >
> > ~~~
> > $ sort -n rainfall.csv | head -n 3
> > ~~~
> > {: .language-bash}
> >
> > The option `-n` compares the numbers, not the characters.
> {: .solution}
{: .challenge}

> ## For instructors
> Pause here and let every learner run the pipeline once before moving on.
{: .instructor}

A long pipeline is easier to read when each command does one small thing well; see the
[shell reference][shell-ref] for the options of each command.

{% include links.md %}
"""

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def make(folder: Path) -> Path:
    """Write the episode and its figure under `folder`; the episode's path."""
    path = folder / NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEXT, "utf-8")
    (folder / FIGURE).parent.mkdir(parents=True, exist_ok=True)
    (folder / FIGURE).write_bytes(PNG)
    return path
