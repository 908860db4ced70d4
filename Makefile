# Two commands set everything up on a fresh machine with Python >= 3.11:
#   make serve   builds and serves the site at http://127.0.0.1:8000
#   make test    runs the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve site test check lint screenshots clean notebooks papers content bench site-export zensical

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty

site: $(STAMP)
	$(BIN)/mkdocs build --strict

check: $(STAMP)
	$(BIN)/neuroverse check --strict

lint: $(STAMP)
	$(BIN)/ruff check neuroverse_site tests
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/neuroverse check --strict
	$(BIN)/neuroverse readme --check
	$(BIN)/ruff check neuroverse_site tests
	$(BIN)/mypy
	$(BIN)/mkdocs build --strict --site-dir $$(mktemp -d)
	$(BIN)/properdocs build --strict --site-dir $$(mktemp -d)
	$(BIN)/python -m pytest -n 2

# Zensical runs no MkDocs plugin: it builds the export, a plain MkDocs project in
# $(EXPORT_DIR) (README, "Which builder"). The site lands in $(EXPORT_DIR)/site.
EXPORT_DIR ?= build/export
site-export: $(STAMP)
	$(BIN)/neuroverse export $(EXPORT_DIR) --force

zensical: site-export
	cd $(EXPORT_DIR) && $(abspath $(BIN))/zensical build

# Light and dark screenshots of a home, section, experiment and article page (needs Chromium).
screenshots: $(STAMP)
	$(BIN)/python -m pytest -q tests/browser/test_accessibility.py

# The archive's own content, in a separate environment with the `content` extra
# (PyTorch, scikit-learn, matplotlib, reportlab); the site build never needs it.
CONTENT_VENV := .venv-content
$(CONTENT_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(CONTENT_VENV)
	$(CONTENT_VENV)/bin/pip install --quiet --upgrade pip
	$(CONTENT_VENV)/bin/pip install --quiet -e ".[content]"
	touch $@

notebooks: $(CONTENT_VENV)/.installed
	$(CONTENT_VENV)/bin/python tools/content/run_notebooks.py

papers: $(CONTENT_VENV)/.installed
	$(CONTENT_VENV)/bin/python tools/content/build_papers.py

content: notebooks papers

# Against plain mkdocs-jupyter; about 25 minutes on 2 cores. Results: bench/results/latest.md
bench: $(STAMP)
	$(BIN)/python bench/run.py --n 250 --runs 3 --growth 1000 --out bench/results/latest

clean:
	rm -rf site .cache $(EXPORT_DIR)
