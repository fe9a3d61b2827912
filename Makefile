# The two commands: `make demo` generates a course and builds the samples offline, `make test` runs the tests.
# Both create .venv and install the project (and its test extras) from pyproject.toml; `make test`
# also installs the real clients the tests use (Chromium, LibreOffice, axe-core) when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast install clean

# Both cores (pytest-xdist), a worker each. A test file runs on one worker (its module fixtures are
# built once) and the real-model tests share one worker and one llama.cpp server: see
# tests/conftest.py. Four workers were tried, as a quarter of the tests' time is waiting: from a
# fresh clone one after the other, 1705 passed in 236 s of pytest with 2 and 232 s with 4, for 9%
# more CPU: kept at 2. `make test WORKERS=4` to choose.
WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

# uv installs what pyproject.toml names in a tenth of pip's time (no pip cache here: pip fetched and
# compiled everything again in 46 s, uv does it in 6 s, 18 s with the bytecode that a run compiles
# otherwise at every start); pip does it when uv cannot be had.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	( $(BIN)/python -m pip install --quiet --disable-pip-version-check uv && \
	  $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[test]' ) || \
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# A course generated from nothing in demo/ (ignored by git), so the build shows its tasks being
# generated, then the sample courses, whose reviewed markdown is committed, rendered again.
demo: $(STAMP)
	rm -rf demo
	mkdir demo
	cd demo && $(abspath $(BIN))/courseware init first-course --title "A First Course"
	cd demo && $(abspath $(BIN))/courseware build course_specs/first-course.yaml --provider offline
	@echo
	$(BIN)/courseware validate course_specs/
	$(BIN)/courseware build course_specs/ --provider offline
	@echo
	@echo "Done. Open these in a browser or PowerPoint/LibreOffice:"
	@echo "  demo/output/first-course/dist/html/index.html  the site of the course just generated (its markdown: demo/output/first-course/content/)"
	@echo "  demo/output/first-course/dist/first-course.pptx  its deck (its spec: demo/course_specs/first-course.yaml; make demo starts it afresh)"
	@echo "  output/describing-data/dist/html/index.html  a sample site (statistics: tables, a figure, formulas, Python with its output, callouts)"
	@echo "  output/describing-data/dist/describing-data.pdf  its printable course book; describing-data.epub the e-book for phones;"
	@echo "    cc.imscc its Common Cartridge (Moodle: Restore course; Canvas, Brightspace ...); describing-data-kolibri.zip a Kolibri HTML5 app"
	@echo "  output/blended-teaching/dist/blended-teaching.pptx  a sample deck; output/evaluation-formative/dist/ holds the third sample"
	@echo "Each output/<course>/dist/ also holds scorm12.zip, scorm2004.zip, qti21.zip, moodle.xml, gift.txt and badge.json;"
	@echo "the reviewed markdown they are rendered from is in output/<course>/content/ (one folder per lesson)."

test: $(STAMP)
	scripts/install-test-tools.sh
	$(PYTEST)

# The edit-test loop: everything but the tests that drive Chromium, LibreOffice or the real model
# (markers set in tests/conftest.py) and the ones marked slow; the markdown round-trip properties
# try 50 examples each instead of 100.
test-fast: $(STAMP)
	ROUNDTRIP_EXAMPLES=50 $(PYTEST) -m "not (browser or office or model or slow)"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .courseware output/*/dist

# Benchmarks (not part of `make test`): prints a table and writes bench/results.json. Needs pandoc
# for the PPTX comparison; installed with apt when missing (the PPTX rows say so if it cannot be).
# The readers and rendering items need what the tests need (Chromium, LibreOffice, Pango).
.PHONY: bench
bench: $(STAMP)
	bash scripts/install-test-tools.sh
	command -v pandoc >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends pandoc) || echo "pandoc could not be installed: the pandoc comparison is skipped"
	$(BIN)/python bench/run.py
