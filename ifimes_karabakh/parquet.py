"""Every table as a Parquet file (pyarrow), with column types from its Table Schema:

    integer -> int64, number -> float64, date -> date32, boolean -> bool, every other type -> string

An empty CSV cell is null, as in the SQLite database; each column carries its schema description
as field metadata, and the file names its resource and the package's name and version. Written for
the release (`parquet/<table>.parquet` inside the archive); deterministic, so that two builds from
the same commit are byte-identical.

    import pandas as pd
    claims = pd.read_parquet("parquet/claims.parquet")          # or duckdb: FROM 'parquet/*.parquet'
"""
import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .sqlite import ReleaseError
from .values import to_integer, to_real
from .report import name, show

ARROW_TYPES = {"integer": pa.int64(), "number": pa.float64(), "date": pa.date32(), "boolean": pa.bool_()}
PARSE = {"integer": to_integer, "number": to_real, "date": dt.date.fromisoformat,
         "boolean": {"true": True, "false": False}.__getitem__}


def arrow_table(ds, resource) -> pa.Table:
    """One resource of a Dataset as an Arrow table typed by its schema; ReleaseError, located, on a
    cell that its type cannot hold (the validator reports every such cell first)."""
    frame = ds.tables[resource.name]
    columns, fields = [], []
    for f in resource.schema["fields"]:
        kind = f.get("type", "string")
        parse = PARSE.get(kind, str)
        values = []
        for line, cell in zip(frame.index, frame[f["name"]].tolist()):
            try:
                values.append(None if cell == "" else parse(cell))
            except (ValueError, KeyError):
                raise ReleaseError(f"{name(resource.path)}:{line}:{name(f['name'])}: not a {kind} (found {show(cell)})") from None
        arrow_type = ARROW_TYPES.get(kind, pa.string())
        columns.append(pa.array(values, type=arrow_type))
        fields.append(pa.field(f["name"], arrow_type, nullable=True,
                               metadata={"description": f.get("description", ""), "table_schema_type": kind}))
    meta = {"resource": resource.name, "package": ds.package.name, "version": ds.version}
    return pa.Table.from_arrays(columns, schema=pa.schema(fields, metadata=meta))


def write(ds, folder) -> dict:
    """Write parquet/<table>.parquet for every resource into folder; {relative path: bytes}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for r in ds.package.resources:
        path = folder / f"{r.name}.parquet"
        pq.write_table(arrow_table(ds, r), path, compression="zstd", write_statistics=True)
        out[f"parquet/{r.name}.parquet"] = path.read_bytes()
    return out
