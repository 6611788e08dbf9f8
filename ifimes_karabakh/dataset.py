"""The dataset, loaded once: the descriptor, every table read through the checked reader, the
article and the texts kept in texts/. Every output (docs, site, trust tables, figures, day columns,
SQLite, Parquet, release, benchmark) takes a `Dataset`; no other module opens a CSV.

    from ifimes_karabakh.dataset import Dataset
    ds = Dataset.load()                 # this repository; Dataset.load(path) for another copy
    ds.frame("claims")                  # the table as text (pandas, "" = empty), index = CSV line
    ds.rows("claims")                   # the same as a list of dicts of str, in file order
    ds.package.resource("claims")       # the resource with its Table Schema

`Dataset.load` refuses (DatasetError, every problem one located line) a package whose descriptor or
tables cannot be read cleanly, so that no output is built from damaged data; `./dp validate` is the
command that reports everything else."""
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import REPO
from .article import ARTICLE_ID, Article, source_path
from .csvread import read_table
from .descriptor import Package, inside, load
from .report import Problem


class DatasetError(Exception):
    """The package cannot be loaded; str() lists the problems, one per line."""


@dataclass
class Dataset:
    package: Package
    tables: dict = field(default_factory=dict)     # resource name -> text DataFrame (index = CSV line)
    article: Article | None = None                 # None where the text is not beside the repository
    texts: dict = field(default_factory=dict)      # source_id -> Article: the documents kept in texts/
    hashes: dict = field(default_factory=dict)     # resource name -> SHA-256 of its CSV's bytes, as read
    blobs: dict = field(default_factory=dict)      # resource path -> git's object ID of its CSV's bytes, as read

    @property
    def root(self) -> Path:
        return self.package.root

    @property
    def descriptor(self) -> dict:
        return self.package.descriptor

    @property
    def version(self) -> str:
        return self.package.version

    @property
    def name(self) -> str:
        return self.package.name

    @property
    def resources(self) -> list:
        return self.package.resources

    @property
    def files(self) -> list:
        """The resources that are not tables (descriptor.File: GeoJSON)."""
        return self.package.files

    def resource(self, name: str):
        """The resource (descriptor.Resource: path, Table Schema, title) of a table."""
        return self.package.resource(name)

    def article_row(self) -> dict:
        """The article's row of sources.csv (article.ARTICLE_ID)."""
        return next(r for r in self.rows("sources") if r["source_id"] == ARTICLE_ID)

    def frame(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def rows(self, name: str) -> list:
        """The table as dicts of str (every schema field, "" where empty), in file order."""
        df = self.tables[name]
        # zip over the columns' lists: the values are str already, so pandas' to_dict("records"),
        # which boxes every cell one by one, gives the same dicts several times slower
        columns = list(df.columns)
        return [dict(zip(columns, values)) for values in zip(*(df[c].tolist() for c in columns))] if columns else [{} for _ in range(len(df))]

    @classmethod
    def read(cls, root=REPO, out: list | None = None, with_article=True):
        """(Dataset or None, complete): the package at root with every table that could be read
        to its end; every problem found on the way goes to out."""
        out = [] if out is None else out
        pkg = load(Path(root), out)
        if pkg is None:
            return None, False
        ds, complete = cls(pkg), True
        for r in pkg.resources:
            t = read_table(pkg.root / r.path, r.path, r.fields)
            out += t.problems
            if t.complete:
                ds.tables[r.name] = t.frame
                ds.hashes[r.name] = t.sha256
                ds.blobs[r.path] = t.git_blob
            else:
                complete = False
        if with_article and source_path().is_file():
            ds.article = Article.read(source_path(), out)
        ds.texts = kept_texts(pkg, ds.tables.get("sources"), out)
        return ds, complete

    @classmethod
    def load(cls, root=REPO, with_article=False) -> "Dataset":
        """The package at root, or DatasetError when anything in it cannot be read cleanly."""
        out = []
        ds, complete = cls.read(root, out, with_article)
        if ds is None or out or not complete:
            raise DatasetError("\n".join(str(p) for p in out) or "the package cannot be read")
        return ds


MAX_KEPT_BYTES = 16 * 2**20  # the kept texts together (4 of about 2 kB now): past this a text is not read


def kept_texts(pkg, sources, out):
    """source_id -> the text kept in the repository for it (sources.text_file), each file read
    once (however its path is spelt: texts/a.txt, ./texts/a.txt) with the article's limits, the
    texts together at most MAX_KEPT_BYTES, and refused outside the package folder; problems
    located at the source's row."""
    texts, by_rel, by_file, total = {}, {}, {}, 0
    if sources is None or not {"source_id", "text_file"} <= set(sources.columns):
        return texts  # the rules that need the texts are skipped, and listed, for the same reason
    for line, sid, rel in zip(sources.index, sources["source_id"], sources["text_file"]):
        if not rel:
            continue
        if rel not in by_rel:
            found, text = [], None
            path = inside(pkg.root, rel, "data/sources.csv", "text_file", found)
            real = path.resolve() if path is not None else None
            if real is not None and real not in by_file:
                size = real.stat().st_size if real.is_file() else 0
                if total + size > MAX_KEPT_BYTES:
                    by_file[real] = None, [Problem(rel, None, None, "limit", f"kept texts larger than {MAX_KEPT_BYTES:,} bytes together; this one is not read")]
                else:
                    total += size
                    read = []
                    by_file[real] = Article.read(path, read, rel), read
            if real is not None:
                text, read = by_file[real]
                found += read
            by_rel[rel] = text, found
        text, found = by_rel[rel]
        out += [Problem("data/sources.csv", int(line), "text_file", p.kind, p.message) for p in found]
        if text is not None:
            texts[sid] = text
    return texts
