# Two entry points, each sets itself up on first run: `make validate` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: validate test clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

## Validate the whole package: clean-CSV rules, frictionless, then Pandera (exit 1 on any problem).
validate: $(VENV)/.installed
	$(PY) scripts/validate.py

## Run the test suite (includes validation of the real package and of corrupted copies).
test: $(VENV)/.installed
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) dist .pytest_cache
