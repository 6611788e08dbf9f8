# Where each generated file comes from. Researchers need only `./dp validate` and `./dp test`
# (see README); `./dp` sets up .venv/ on first use. make reports any failing command as exit code 2:
# to tell invalid data (1) from a broken validator (2), call ./dp validate.
SCHEMAS := $(wildcard schemas/*.schema.json)
DATA    := $(wildcard data/*.csv)
CODE    := $(wildcard ifimes_karabakh/*.py)
NAME    := ifimes-2020-karabakh

.PHONY: validate test docs schemas dates changes site release benchmark mutate clean

validate:
	./dp validate

test:
	./dp test

## The shared fields of every Table Schema are defined once, in fields.py; every resource's
## `hash` is that of its file, so this runs after every command that writes data/.
schemas: ifimes_karabakh/fields.py dates changes
	./dp schemas

## The day columns P_start and P_end of every EDTF date P.
dates:
	./dp dates

## data/changes.csv: every change between recorded releases (and to the version being prepared),
## from the tables at the commits CHANGELOG.md records.
changes: dates CHANGELOG.md
	./dp changes --write

## Generated from the descriptor, the schemas and the tables.
docs: docs/codebook.md
docs/codebook.md CITATION.cff .zenodo.json docs/dataset.jsonld docs/archive-README.md docs/figures/timeline.svg docs/figures/tables.svg docs/figures/map.svg docs/figures/scorecard.svg &: datapackage.json $(SCHEMAS) $(DATA) $(CODE)
	./dp docs

## The website: site/ (git-ignored), from the package and docs/figures/; no server needed.
site: docs
	./dp site

## The release: built from the committed files only, into dist/.
release: docs
	./dp release

benchmark:
	./dp benchmark

## The mutation run over the validator's core modules (mutants/, git-ignored); not part of `test`.
mutate:
	./dp mutate

clean:
	rm -rf .venv .venv-legacy dist site site-screenshots mutants
