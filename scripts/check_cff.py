"""Check CITATION.cff against the Citation File Format 1.2.0 JSON schema vendored in vendor/.

YAML dates (date-released: 2026-11-29 without quotes) are turned into strings first, as the schema
asks of tools. Prints every error with its place in the file and exits 1 if there is any.

Usage: python scripts/check_cff.py [CITATION.cff]
"""
import datetime
import json
import sys
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "vendor" / "cff-schema-1.2.0.json"


def as_strings(value):
    """The loaded YAML with date objects as ISO strings."""
    if isinstance(value, dict):
        return {k: as_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_strings(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def errors(cff_path=ROOT / "CITATION.cff"):
    """Sorted messages, `path.in.file: what is wrong`; empty when the file is valid."""
    cff = as_strings(yaml.safe_load(Path(cff_path).read_text(encoding="utf-8")))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return sorted(f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                  for e in validator.iter_errors(cff))


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "CITATION.cff"
    found = errors(path)
    for message in found:
        print(f"{path.name}: {message}")
    print(f"{path.name}: {'valid' if not found else f'{len(found)} error(s)'} (CFF 1.2.0)")
    sys.exit(1 if found else 0)
