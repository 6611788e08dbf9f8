"""Run cffconvert 2.0.0 on CITATION.cff, in one process (in .venv-legacy/, for tests/test_docs.py):
its command line as `cffconvert --validate -i FILE` and `cffconvert -f bibtex -i FILE`, then every
output format through its own API, the BibTeX also with the key given as sys.argv[2] (the API takes
one; the command line always writes YourReferenceHere). Prints one JSON object."""
import contextlib
import io
import json
import sys

from cffconvert.cli.cli import cli
from cffconvert.cli.create_citation import create_citation


def command_line(*args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            code = cli.main(args=list(args), prog_name="cffconvert", standalone_mode=False)
        except Exception as e:  # a validation error ends the command with it
            return {"exit": 1, "out": out.getvalue(), "error": f"{type(e).__name__}: {str(e).splitlines()[0]}"}
    return {"exit": code or 0, "out": out.getvalue()}


path, key = sys.argv[1], sys.argv[2]
citation = create_citation(path, None)
print(json.dumps({
    "validate": command_line("--validate", "-i", path),
    "bibtex_command_line": command_line("-f", "bibtex", "-i", path),
    "bibtex": citation.as_bibtex(),
    "bibtex_keyed": citation.as_bibtex(reference=key),
    "apalike": citation.as_apalike(),
    "endnote": citation.as_endnote(),
    "ris": citation.as_ris(),
    "zenodo": citation.as_zenodo(),
    "schema.org": citation.as_schemaorg(),
    "codemeta": citation.as_codemeta(),
}, ensure_ascii=False))
