"""Regenerate the two generated tables of README.md from the data: the table of tables (with row
counts) and the verdict counts of claims.csv. They stand between <!-- NAME:start --> and
<!-- NAME:end --> markers; everything else in the README is written by hand.
Usage: python scripts/make_readme_tables.py          (rewrite README.md)
       python scripts/make_readme_tables.py --check  (exit 1 if README.md is stale)
"""
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def rows(path):
    with open(ROOT / path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def table_of_tables():
    dp = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    out = ["| file | rows | what it holds |", "|---|---:|---|"]
    for r in dp["resources"]:
        out.append(f"| `{r['path']}` | {len(rows(r['path']))} | {r['title']} |")
    return "\n".join(out)


def verdict_table():
    schema = json.loads((ROOT / "schemas" / "claims.schema.json").read_text(encoding="utf-8"))
    field = next(f for f in schema["fields"] if f["name"] == "verdict")
    meaning = dict(re.findall(r"`(\w+)` \(([^)]*)\)", field["description"]))
    n = Counter(r["verdict"] for r in rows("data/claims.csv"))
    out = ["| verdict | meaning | claims |", "|---|---|---:|"]
    for v in field["constraints"]["enum"]:
        out.append(f"| `{v}` | {meaning.get(v, '')} | {n[v]} |")
    out.append(f"| all | | {sum(n.values())} |")
    return "\n".join(out)


BLOCKS = {"tables": table_of_tables, "verdicts": verdict_table}


def render(text):
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            sys.exit(f"README.md has no <!-- {name}:start --> ... <!-- {name}:end --> block")
        text = pattern.sub(lambda m: m.group(1) + make() + "\n" + m.group(2), text)
    return text


def main(argv):
    old = README.read_text(encoding="utf-8")
    new = render(old)
    if "--check" in argv:
        if new != old:
            print("README.md tables are stale: run python scripts/make_readme_tables.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
