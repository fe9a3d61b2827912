# The two commands: `make demo` builds the sample courses offline, `make test` runs the tests.
# Both create .venv and install the project (and its test extras) from pyproject.toml; `make test`
# also installs the real clients the tests use (Chromium, LibreOffice, axe-core) when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast install clean

# Both cores (pytest-xdist). A test file runs on one worker (its module fixtures are built once) and
# the real-model tests share one worker and one llama.cpp server: see tests/conftest.py.
PYTEST := $(BIN)/python -m pytest -n 2 --dist loadgroup

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/courseware validate course_specs/
	$(BIN)/courseware build course_specs/ --provider offline
	@echo
	@echo "Done. Read the reviewed markdown in output/blended-teaching/content/, output/evaluation-formative/content/"
	@echo "and output/describing-data/content/ (statistics: tables, a figure, formulas, Python with its output, callouts)"
	@echo "(one folder per lesson: lesson.md, quiz.md, slides.md; course.md is the overview),"
	@echo "and what was rendered from it in output/<course>/dist/: html/index.html, the .pptx decks,"
	@echo "scorm12.zip, scorm2004.zip, qti21.zip, moodle.xml, gift.txt and badge.json."

test: $(STAMP)
	scripts/install-test-tools.sh
	$(PYTEST)

# The edit-test loop: everything but the tests that drive Chromium, LibreOffice or the real model
# (markers set in tests/conftest.py) and the ones marked slow; the markdown round-trip properties
# try 50 examples each instead of 300.
test-fast: $(STAMP)
	ROUNDTRIP_EXAMPLES=50 $(PYTEST) -m "not (browser or office or model or slow)"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .courseware output/*/dist

# Benchmarks (not part of `make test`): prints a table and writes bench/results.json. Needs pandoc
# for the PPTX comparison; installed with apt when missing (the PPTX rows say so if it cannot be).
.PHONY: bench
bench: $(STAMP)
	command -v pandoc >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends pandoc) || echo "pandoc could not be installed: the pandoc comparison is skipped"
	$(BIN)/python bench/run.py
