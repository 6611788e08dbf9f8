# `make validate` and `make test` set themselves up on first run (.venv from requirements.txt).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: validate test docs release benchmark clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

## Validate the whole package: clean-CSV rules, frictionless, then Pandera (exit 1 on any problem).
validate: $(VENV)/.installed
	$(PY) scripts/validate.py

## Run the test suite (validation of the real package and of corrupted copies, release, readers).
test: $(VENV)/.installed
	$(PY) -m pytest -q

## Regenerate what is generated from the data: README tables, codebook, figures.
docs: $(VENV)/.installed
	$(PY) scripts/make_readme_tables.py
	$(PY) scripts/make_codebook.py
	$(PY) scripts/make_figures.py

## Build dist/: the release archive, the SQLite database and SHA256SUMS.
release: validate
	$(PY) scripts/build_release.py dist

## Time full validation against bare frictionless at 1x, 10x, 100x and 1000x.
benchmark: $(VENV)/.installed
	$(PY) scripts/benchmark.py

clean:
	rm -rf $(VENV) dist .pytest_cache
