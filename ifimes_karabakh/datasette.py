"""Datasette over the SQLite database: the metadata file generated from the descriptor and the
schemas, and `./dp serve`, which builds the database from the working tree into a temporary folder
and serves it on 127.0.0.1 only.

The metadata gives Datasette the package's title, licence and source (the article), a description
of every table (its resource title) and every column (its schema description), and each table's
label column (the first of LABEL_FIELDS it has), so that foreign keys show a name beside the ID."""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from . import REPO
from .article import ARTICLE_ID
from .dataset import Dataset

# the columns that name a row, in order of preference (the first a table has is its label)
LABEL_FIELDS = ("name", "name_en", "name_canonical", "title", "name_as_stated", "claim_summary",
                "summary", "subject", "description", "description_as_stated")


def label_column(fields) -> str | None:
    names = [f["name"] for f in fields]
    return next((n for n in LABEL_FIELDS if n in names), None)


def metadata(ds: Dataset, database: str) -> dict:
    """Datasette's metadata for the database file named `database` (its stem names it in URLs)."""
    dp = ds.descriptor
    licence = (dp.get("licenses") or [{}])[0]
    article = next((r for r in ds.rows("sources") if r["source_id"] == ARTICLE_ID), {})
    tables = {}
    for r in ds.package.resources:
        t = {"description": r.title, "columns": {f["name"]: f.get("description", "") for f in r.schema["fields"]}}
        label = label_column(r.schema["fields"])
        if label:
            t["label_column"] = label
        tables[r.name] = t
    return {"title": dp.get("title", ""), "description": dp.get("description", ""),
            "license": licence.get("title") or licence.get("name", ""), "license_url": licence.get("path", ""),
            "source": article.get("title", ""), "source_url": article.get("url", ""),
            "databases": {Path(database).stem: {"tables": tables}}}


def serve(root=REPO, port=8001, out=None):
    """Build the database and its metadata into a temporary folder (or `out`) and run Datasette on
    127.0.0.1:port until it is stopped; returns Datasette's exit code."""
    from . import sqlite
    from .release import database_name
    ds = Dataset.load(root)
    with tempfile.TemporaryDirectory(prefix="ifimes-serve-") as tmp:
        folder = Path(out or tmp)
        db = sqlite.build(ds, folder / database_name(ds.descriptor))
        meta = folder / "metadata.json"
        meta.write_text(json.dumps(metadata(ds, db.name), indent=2, ensure_ascii=False), encoding="utf-8")
        return subprocess.call([sys.executable, "-m", "datasette", "serve", "--immutable", str(db), "--metadata", str(meta),
                                "--host", "127.0.0.1", "--port", str(port)])

