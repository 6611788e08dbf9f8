"""Load the package's tables into pandas through frictionless, with the types the Table Schemas
declare (dates as datetime64, integers and numbers as numbers), and every field that has an enum as
a pandas Categorical whose categories are the enum's values, in the schema's order.

    import sys; sys.path.insert(0, "scripts")
    from load_pandas import load_table, load_all
    events = load_table("events")          # or load_all()["events"]
"""
import os
from pathlib import Path

import pandas as pd
from frictionless import Package

ROOT = Path(__file__).resolve().parent.parent


def _package(root):
    cwd = os.getcwd()
    os.chdir(root)  # frictionless resolves the package's relative paths from here
    try:
        return Package("datapackage.json")
    finally:
        os.chdir(cwd)


def load_table(name, root=ROOT, package=None):
    """One table as a DataFrame: frictionless's typed columns, enums as categoricals."""
    root = Path(root)
    pkg = package or _package(root)
    res = pkg.get_resource(name)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        df = res.to_pandas()
    finally:
        os.chdir(cwd)
    fields = res.schema.fields
    df = df.reset_index()[[f.name for f in fields]]  # frictionless puts the primary key in the index
    for f in fields:
        enum = f.constraints.get("enum")
        if enum:
            df[f.name] = pd.Categorical(df[f.name], categories=enum)
    return df


def load_all(root=ROOT):
    pkg = _package(Path(root))
    return {r.name: load_table(r.name, root, pkg) for r in pkg.resources}
