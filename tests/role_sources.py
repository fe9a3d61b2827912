"""A source with exercises and solutions, the way real lessons mix them with the narrative, and a
reader that marks them by their headings (until the dialect readers do it for real sources).

`install(monkeypatch)` registers the reader for `.lesson` files; `write(folder)` writes a spec
and its source into a project folder.
"""

from __future__ import annotations

from pathlib import Path

from courseware.readers import SUFFIXES
from courseware.readers.base import EXERCISE, SOLUTION, Document, Heading, Piece, Reader
from courseware.readers.markdown import MarkdownReader


class RoleReader(Reader):
    """Markdown whose sections headed 'Exercise…' are exercises and 'Solution…' solutions."""

    suffixes = (".lesson",)
    label = "lesson"
    text = True

    def read(self, data: bytes) -> Document:
        document, role = MarkdownReader().read(data), None
        pieces = []
        for piece in document.pieces:
            if isinstance(piece.item, Heading):
                role = EXERCISE if piece.item.text.startswith("Exercise") else SOLUTION if piece.item.text.startswith("Solution") else None
                pieces.append(piece)
            else:
                pieces.append(Piece(piece.item, piece.line, role=role or piece.role))
        document.pieces = pieces
        return document


def install(monkeypatch) -> None:
    monkeypatch.setitem(SUFFIXES, ".lesson", ("role_sources", "RoleReader"))


SOURCE = """\
# Working in the Shell

## Files and folders

The **shell** is a program that reads the commands you type **and** runs them.
A **working directory** is the folder the shell is in at any moment, and every relative path starts from it.
The **home directory** is the folder that holds a user's own files and settings.
An **absolute path** names a file from the root of the file system, whatever the working directory is.
A **relative path** names a file from the working directory, so it changes meaning when the directory changes.
Run the command `ls` to list the files in the **working directory** now.
Three things matter most in a **path**:

- the folders it passes through
- the file name at its end

A func**tion** of the shell, the **e** key and **3** more keys are not terms; **Note:** labels are not either.

![The shell shows a prompt and waits for the next command to be typed by the user.](prompt.png)

## Exercise: paths

Which command shows the **working directory** of the shell?

## Solution: paths

The answer is B, because pwd prints the **working directory** of the shell.
"""

SPEC = """\
course:
  id: shell-basics
  title: Shell basics
  language: en
  audience: researchers new to the command line
  level: introductory
sources: [sources/shell.lesson]
objectives:
  - {id: LO1, text: Navigate files and folders with the shell and its paths, bloom: understand}
modules:
  - id: m1
    title: The shell
    lessons:
      - id: m1-l1
        title: Files, folders and paths
        objectives: [LO1]
        key_points: [The working directory and the home directory, An absolute path and a relative path, The shell runs the commands you type]
        quiz: {questions: 8, kinds: [multiple_choice, true_false, cloze]}
outputs: [markdown]
llm: {provider: offline}
"""


def write(folder: Path) -> Path:
    """The spec and its source in `folder`; returns the spec's path."""
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / "sources" / "shell.lesson").write_text(SOURCE, "utf-8")
    (folder / "sources" / "prompt.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    spec = folder / "shell.yaml"
    spec.write_text(SPEC, "utf-8")
    return spec
