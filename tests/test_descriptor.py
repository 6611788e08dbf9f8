"""The descriptor and the Table Schemas (descriptor.py): every part that is missing, empty, not
plain JSON, not a regular file, or that would make another reader check something this validator
does not, is a located problem; nothing of it is ignored, nothing crashes, nothing blocks.

Most cases build a one-table package in tmp_path (literal JSON, so that each boundary is written
as it is tested); the end-to-end cases damage a copy of the real package."""
import io
import json
import os
import re
import threading
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from conftest import found, set_cell
from ifimes_karabakh import descriptor
from ifimes_karabakh.__main__ import main
from ifimes_karabakh.csvread import read_table
from ifimes_karabakh.descriptor import MAX_FIELDS, MAX_FOREIGN_KEYS, MAX_NAME_CHARS, MAX_RESOURCES, load
from ifimes_karabakh.validate import report, validate

FIELDS = [{"name": "id", "type": "string", "constraints": {"required": True}}, {"name": "x", "type": "number"}]
ROWS = "id,x\na,1\nb,2\n"


def tiny(root: Path, descriptor_text: str | None = None, schema=None, resource=None, rows=ROWS, schema_text=None):
    """A package of one table `t` (data/t.csv, schemas/t.schema.json) in root. `resource`: keys
    merged into the resource; `schema`: the Table Schema (a dict); `schema_text`/`descriptor_text`:
    the files' literal text instead."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "schemas").mkdir(exist_ok=True)
    (root / "data" / "t.csv").write_text(rows, encoding="utf-8")
    schema = {"fields": FIELDS, "primaryKey": ["id"]} if schema is None else schema
    (root / "schemas" / "t.schema.json").write_text(schema_text if schema_text is not None else json.dumps(schema), encoding="utf-8")
    res = {"name": "t", "path": "data/t.csv", "schema": "schemas/t.schema.json", **(resource or {})}
    dp = {"name": "tiny", "version": "1.0.0", "resources": [res]}
    (root / "datapackage.json").write_text(descriptor_text if descriptor_text is not None else json.dumps(dp, indent=1), encoding="utf-8")
    return root


def loaded(root):
    """load(): (the package, the problems as (file, row, column, kind))."""
    out = []
    pkg = load(root, out)
    return pkg, {(p.file, p.row, p.column, p.kind) for p in out}


def the_tiny_package_is_valid(tmp_path):
    res = validate(tiny(tmp_path))
    assert list(res.problems) == [] and res.rows == {"data/t.csv": 2}


def test_the_tiny_package_is_valid(tmp_path):
    the_tiny_package_is_valid(tmp_path)


# ------------------------------------------------------------------ missing or empty parts
@pytest.mark.parametrize("text,found", [("null", "null"), ("[]", "list"), ("3", "int"), ('"datapackage"', "str"), ("true", "bool")])
def test_descriptor_that_is_not_an_object(tmp_path, text, found):
    _, problems = loaded(tiny(tmp_path, descriptor_text=text))
    assert problems == {("datapackage.json", None, None, "descriptor")}
    res = validate(tmp_path)
    assert res.exit_code == 1 and f"(found {found})" in res.problems[0].message


@pytest.mark.parametrize("where", ["file", "inline"])
def test_schema_that_is_null(tmp_path, where):
    if where == "file":
        tiny(tmp_path, schema_text="null")
        expected = ("schemas/t.schema.json", None, None, "descriptor")
    else:
        tiny(tmp_path, resource={"schema": None})
        expected = ("datapackage.json", None, "resources[0].schema", "descriptor")
    pkg, problems = loaded(tmp_path)
    assert problems == {expected} and pkg.resources == []
    assert validate(tmp_path).exit_code == 1


def test_resource_without_a_schema(tmp_path):
    dp = {"name": "tiny", "version": "1.0.0", "resources": [{"name": "t", "path": "data/t.csv"}]}
    tiny(tmp_path, descriptor_text=json.dumps(dp))
    _, problems = loaded(tmp_path)
    assert problems == {("datapackage.json", None, "resources[0].schema", "descriptor")}
    assert validate(tmp_path).exit_code == 1


@pytest.mark.parametrize("pk,ok", [(["id"], True), ("id", True), (None, False), ([], False), (["nope"], False), ([{"x": 1}], False)])
def test_every_table_needs_a_primary_key(tmp_path, pk, ok):
    schema = {"fields": FIELDS} | ({} if pk is None else {"primaryKey": pk})
    _, problems = loaded(tiny(tmp_path, schema=schema))
    assert problems == (set() if ok else {("schemas/t.schema.json", None, "primaryKey", "descriptor")})


# ------------------------------------------------------------------ what frictionless checks, and this validator too
@pytest.mark.parametrize("required", [None, False, True])
def test_empty_primary_key_value_whether_or_not_the_field_says_required(tmp_path, required):
    fields = [dict(FIELDS[0], constraints={} if required is None else {"required": required}), FIELDS[1]]
    tiny(tmp_path, schema={"fields": fields, "primaryKey": ["id"]}, rows="id,x\na,1\n,2\nb,3\n")
    res = validate(tmp_path)
    assert {(p.row, p.column) for p in res.problems} == {(3, "id")}
    assert res.problems[0].kind == ("required" if required else "primary-key")


def test_empty_part_of_a_composite_key(tmp_path):
    fields = [{"name": "id"}, {"name": "part"}, {"name": "x", "type": "number"}]
    tiny(tmp_path, schema={"fields": fields, "primaryKey": ["id", "part"]}, rows="id,part,x\na,1,1\na,,2\n")
    assert {(p.row, p.column, p.kind) for p in validate(tmp_path).problems} == {(3, "part", "primary-key")}


BOUND_TEXTS = ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"]


@pytest.mark.parametrize("bound", BOUND_TEXTS)
def test_bound_that_is_not_a_finite_json_number_is_refused_where_it_stands(tmp_path, bound):
    """Python's json reads NaN and Infinity, and 1e999 as inf; any of them switches the range check
    off (nothing compares greater than NaN). Refused, with the line it is on."""
    text = '{\n "fields": [\n  {"name": "id"},\n  {"name": "x", "type": "number", "constraints": {"maximum": BOUND}}\n ],\n "primaryKey": "id"\n}'
    tiny(tmp_path, schema_text=text.replace("BOUND", bound), rows="id,x\na,500\n")
    _, problems = loaded(tmp_path)
    assert problems == {("schemas/t.schema.json", 4, None, "json")}
    res = validate(tmp_path)
    assert res.exit_code == 1
    assert f"column {text.splitlines()[3].index('BOUND') + 1}" in res.problems[0].message


@pytest.mark.parametrize("bound,ok", [("1" + "0" * 308, True), ("1" + "0" * 309, False), ("-1" + "0" * 309, False),
                                      ("1.7976931348623157e308", True), ("1e308", True), ("90", True)])
def test_integer_bound_beyond_the_float_range(tmp_path, bound, ok):
    """10**309 is valid JSON, but cannot be compared with a float column (OverflowError): refused."""
    text = '{"fields": [{"name": "id"}, {"name": "x", "type": "number", "constraints": {"maximum": BOUND}}], "primaryKey": "id"}'
    tiny(tmp_path, schema_text=text.replace("BOUND", bound), rows="id,x\na,1e309\n" if ok else "id,x\na,500\n")
    _, problems = loaded(tmp_path)
    assert problems == (set() if ok else {("schemas/t.schema.json", None, "fields[1].constraints.maximum", "descriptor")})
    assert validate(tmp_path).exit_code == 1  # 1e309 is not finite; 500 is over every bound refused


@pytest.mark.parametrize("text,line", [
    ('{"name": "tiny", "name": "tiny", "version": "1.0.0", "resources": []}', 1),
    ('{"name": "tiny", "version": "1.0.0",\n "resources": [{"name": "t", "path": "data/t.csv",\n  "path": "data/u.csv", "schema": "schemas/t.schema.json"}]}', 2),
    ('{"name": "tiny", "version": "1.0.0", "resources": [\n{"name": "t", "path": "data/t.csv", "schema": {"fields": [{"name": "id"},\n'
     ' {"name": "x", "constraints": {"maximum": 1, "maximum": 2}}], "primaryKey": "id"}}]}', 3),
])
def test_duplicate_key_in_any_object(tmp_path, text, line):
    """Python keeps the last of two equal keys, other readers the first: refused, at the object."""
    _, problems = loaded(tiny(tmp_path, descriptor_text=text))
    assert problems == {("datapackage.json", line, None, "json")}


def test_equal_keys_in_different_objects_are_fine(tmp_path):
    """Every field has a `name`: only a key repeated within one object is a duplicate."""
    _, problems = loaded(tiny(tmp_path, schema={"fields": [{"name": "id", "type": "string"}, {"name": "x", "type": "string"}], "primaryKey": "id"}))
    assert problems == set()


@pytest.mark.parametrize("escape,ok", [("\\ud800", False), ("\\udfff", False), ("x\\udc00y", False), ("\\ud83d\\ude00", True), ("\\u00e9", True)])
def test_lone_surrogate_anywhere_in_the_descriptor(tmp_path, escape, ok):
    """A lone surrogate is valid JSON but no UTF-8 file can hold it: docs and the site would crash."""
    for where in ('"title": "E"', '"keywords": [["E"]]', '"E": 1'):
        text = '{"name": "tiny", "version": "1.0.0",\n ' + where.replace("E", escape) + ',\n "resources": [{"name": "t", "path": "data/t.csv", "schema": "schemas/t.schema.json"}]}'
        _, problems = loaded(tiny(tmp_path, descriptor_text=text))
        assert problems == (set() if ok else {("datapackage.json", 2, None, "json")}), where


def test_refused_json_in_a_deep_structure_is_still_reported(tmp_path):
    text = "[" * 200 + "NaN" + "]" * 200
    _, problems = loaded(tiny(tmp_path, descriptor_text=text))
    assert problems == {("datapackage.json", 1, None, "json")}


@pytest.mark.parametrize("key,value,ok", [
    ("format", "csv", True), ("format", "xlsx", False), ("compression", "gz", False), ("compression", "no", False),
    ("data", [{"id": "a"}], False), ("data", [], False), ("innerpath", "t.csv", False), ("extrapaths", ["data/u.csv"], False),
    ("hash", "sha256:00", False), ("bytes", 12, False), ("stats", {"rows": 2}, False), ("scheme", "file", True), ("scheme", "https", False),
    ("title", "A table", True), ("title", ["A table"], False), ("description", None, False),
])
def test_what_a_resource_says_beside_its_path(tmp_path, key, value, ok):
    """What would make frictionless read or check something other than the CSV at `path` is
    refused, never ignored: inline data, compression, an archive's inner path, a checksum."""
    _, problems = loaded(tiny(tmp_path, resource={key: value}))
    assert problems == (set() if ok else {("datapackage.json", None, f"resources[0].{key}", "descriptor")})


@pytest.mark.parametrize("key,value,ok", [
    ("format", "default", True), ("format", "email", False), ("format", "%d/%m/%Y", False),
    ("trueValues", ["yes"], False), ("falseValues", ["no"], False), ("bareNumber", True, True), ("bareNumber", False, False),
    ("decimalChar", ".", True), ("decimalChar", ",", False), ("groupChar", "", True), ("groupChar", ",", False),
    ("missingValues", [""], True), ("missingValues", ["", "NA"], False), ("title", "X", True), ("title", 7, False),
])
def test_field_properties_that_change_what_is_checked(tmp_path, key, value, ok):
    fields = [FIELDS[0], dict(FIELDS[1], **{key: value})]
    _, problems = loaded(tiny(tmp_path, schema={"fields": fields, "primaryKey": "id"}))
    assert problems == (set() if ok else {("schemas/t.schema.json", None, f"fields[1].{key}", "descriptor")})


@pytest.mark.parametrize("key,value,ok", [("missingValues", [""], True), ("missingValues", ["-"], False), ("fieldsMatch", "exact", True),
                                          ("fieldsMatch", "subset", False), ("uniqueKeys", [["x"]], False), ("description", {"a": 1}, False)])
def test_schema_properties_that_change_what_is_checked(tmp_path, key, value, ok):
    _, problems = loaded(tiny(tmp_path, schema={"fields": FIELDS, "primaryKey": "id", key: value}))
    assert problems == (set() if ok else {("schemas/t.schema.json", None, key, "descriptor")})


@pytest.mark.parametrize("constraint", [{"exclusiveMinimum": 0}, {"jsonSchema": {}}, {"minLength": -1}, {"maxLength": 2**63}])
def test_constraint_this_validator_does_not_check(tmp_path, constraint):
    fields = [FIELDS[0], dict(FIELDS[1], type="integer", constraints=constraint)]
    _, problems = loaded(tiny(tmp_path, schema={"fields": fields, "primaryKey": "id"}))
    assert problems == {("schemas/t.schema.json", None, f"fields[1].constraints.{next(iter(constraint))}", "descriptor")}


# ------------------------------------------------------------------ what made release, site or docs crash: located problems
@pytest.mark.parametrize("ftype", [["string"], {"t": "string"}, 7, None, "geojson"])
def test_type_of_the_wrong_kind(tmp_path, ftype):
    fields = [FIELDS[0], dict(FIELDS[1], type=ftype)]
    _, problems = loaded(tiny(tmp_path, schema={"fields": fields, "primaryKey": "id"}))
    assert problems == {("schemas/t.schema.json", None, "fields[1].type", "descriptor")}
    assert validate(tmp_path).exit_code == 1


@pytest.mark.parametrize("names,ok", [(["id", "x", "X"], False), (["id", "note", "NOTE"], False), (["id", "Straße", "STRASSE"], False),
                                      (["id", "x", "x1"], True), (["id", "x", "x"], False)])
def test_field_names_that_differ_only_in_case(tmp_path, names, ok):
    """SQLite reads column names without case: the release's database could not be built."""
    rows = ",".join(names) + "\n" + ",".join("a" for _ in names) + "\n"
    _, problems = loaded(tiny(tmp_path, schema={"fields": [{"name": n} for n in names], "primaryKey": "id"}, rows=rows))
    assert problems == (set() if ok else {("schemas/t.schema.json", None, "fields", "descriptor")})


@pytest.mark.parametrize("rname,ok", [("sqlite_x", False), ("sqlite_", False), ("sqlite", True), ("my_sqlite_x", True),
                                      ("t" * MAX_NAME_CHARS, True), ("t" * (MAX_NAME_CHARS + 1), False), ("t" * 300, False), ("T", False)])
def test_resource_names_safe_as_files_and_sql_tables(tmp_path, rname, ok):
    _, problems = loaded(tiny(tmp_path, resource={"name": rname}))
    assert problems == (set() if ok else {("datapackage.json", None, "resources[0]", "descriptor")})


@pytest.mark.parametrize("pname,ok", [("p" * MAX_NAME_CHARS, True), ("p" * (MAX_NAME_CHARS + 1), False), (7, False)])
def test_package_name_length(tmp_path, pname, ok):
    dp = {"name": pname, "version": "1.0.0", "resources": [{"name": "t", "path": "data/t.csv", "schema": "schemas/t.schema.json"}]}
    _, problems = loaded(tiny(tmp_path, descriptor_text=json.dumps(dp)))
    assert problems == (set() if ok else {("datapackage.json", None, "name", "descriptor")})


def test_symlink_loops_are_located_problems(tmp_path):
    tiny(tmp_path)
    (tmp_path / "data" / "t.csv").unlink()
    (tmp_path / "data" / "a.csv").symlink_to("b.csv")
    (tmp_path / "data" / "b.csv").symlink_to("a.csv")
    (tmp_path / "data" / "t.csv").symlink_to("a.csv")
    (tmp_path / "schemas" / "t.schema.json").unlink()
    (tmp_path / "schemas" / "t.schema.json").symlink_to("t.schema.json")
    _, problems = loaded(tmp_path)
    assert problems == {("datapackage.json", None, "resources[0].path", "path"), ("datapackage.json", None, "resources[0].schema", "path")}
    res = validate(tmp_path)  # the stray-file check must not follow the loops either
    assert res.exit_code == 1


def test_descriptor_that_is_a_symlink_loop(tmp_path):
    tiny(tmp_path)
    (tmp_path / "datapackage.json").unlink()
    (tmp_path / "datapackage.json").symlink_to("datapackage.json")
    assert loaded(tmp_path)[1] == {("datapackage.json", None, None, "path")}


def test_descriptor_symlink_outside_is_refused_inside_is_read(tmp_path):
    pkg = tiny(tmp_path / "pkg")
    os.replace(pkg / "datapackage.json", tmp_path / "outside.json")
    (pkg / "datapackage.json").symlink_to(tmp_path / "outside.json")
    assert loaded(pkg)[1] == {("datapackage.json", None, None, "path")}
    (pkg / "datapackage.json").unlink()
    os.replace(tmp_path / "outside.json", pkg / "real.json")
    (pkg / "datapackage.json").symlink_to("real.json")
    assert loaded(pkg)[1] == set()


def ends_in_time(fn, fifo, seconds=10):
    """fn() returns within the time; if it blocks on the FIFO, a writer is opened to set it free."""
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("value", fn()), daemon=True)
    worker.start()
    worker.join(seconds)
    blocked = worker.is_alive()
    if blocked:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        worker.join(seconds)
    assert not blocked, f"{fn} waited on the FIFO {fifo}"
    return result["value"]


@pytest.mark.parametrize("which", ["datapackage.json", "schemas/t.schema.json", "data/t.csv"])
def test_fifo_is_refused_at_once(tmp_path, which):
    """A FIFO is not a file: opening it waits for a writer, forever. Refused without reading."""
    tiny(tmp_path)
    (tmp_path / which).unlink()
    os.mkfifo(tmp_path / which)
    res = ends_in_time(lambda: validate(tmp_path), tmp_path / which)
    assert res.exit_code == 1
    assert any(which in str(p) for p in res.problems), list(res.problems)


@pytest.mark.parametrize("which", ["datapackage.json", "data/t.csv"])
def test_readers_refuse_a_fifo_even_past_the_path_check(tmp_path, which):
    """The readers themselves open without blocking: a FIFO put in place after the path was checked."""
    tiny(tmp_path)
    (tmp_path / which).unlink()
    os.mkfifo(tmp_path / which)
    if which == "data/t.csv":
        t = ends_in_time(lambda: read_table(tmp_path / which, which, ["id", "x"]), tmp_path / which)
        assert [(p.file, p.kind) for p in t.problems] == [(which, "missing")] and not t.complete
    else:
        out = []
        assert ends_in_time(lambda: descriptor.load_json(tmp_path / which, which, out), tmp_path / which) == (False, None)
        assert [(p.file, p.kind) for p in out] == [(which, "json")]


def test_folder_as_a_data_file(tmp_path):
    tiny(tmp_path)
    out = []
    assert descriptor.load_json(tmp_path / "data", "data", out) == (False, None) and out[0].kind == "json"


# ------------------------------------------------------------------ limits on the descriptor
def many_resources(root, n):
    res = [{"name": f"t{i}", "path": "data/t.csv", "schema": "schemas/t.schema.json"} for i in range(n)]
    return tiny(root, descriptor_text=json.dumps({"name": "tiny", "version": "1.0.0", "resources": res}))


@pytest.mark.parametrize("n,ok", [(MAX_RESOURCES, True), (MAX_RESOURCES + 1, False)])
def test_number_of_resources_is_bounded(tmp_path, n, ok):
    pkg, problems = loaded(many_resources(tmp_path, n))
    assert problems == (set() if ok else {("datapackage.json", None, "resources", "limit")})
    assert (pkg is not None and len(pkg.resources) == n) if ok else pkg is None


@pytest.mark.parametrize("n,ok", [(MAX_FIELDS, True), (MAX_FIELDS + 1, False)])
def test_number_of_fields_is_bounded(tmp_path, n, ok):
    _, problems = loaded(tiny(tmp_path, schema={"fields": [{"name": f"f{i}"} for i in range(n)], "primaryKey": "f0"}))
    assert problems == (set() if ok else {("schemas/t.schema.json", None, "fields", "descriptor")})


def test_duplicate_names_among_many_fields_are_found_fast(tmp_path):
    """Counted once (a Counter), not by list.count for each name, which is quadratic."""
    fields = [{"name": f"f{i}"} for i in range(MAX_FIELDS - 1)] + [{"name": "f0"}]
    _, problems = loaded(tiny(tmp_path, schema={"fields": fields, "primaryKey": "f1"}))
    assert problems == {("schemas/t.schema.json", None, "fields", "descriptor")}


@pytest.mark.parametrize("n,ok", [(MAX_FOREIGN_KEYS, True), (MAX_FOREIGN_KEYS + 1, False)])
def test_number_of_foreign_keys_is_bounded(tmp_path, n, ok):
    fks = [{"fields": "x", "reference": {"resource": "", "fields": "id"}}] * n
    _, problems = loaded(tiny(tmp_path, schema={"fields": FIELDS, "primaryKey": "id", "foreignKeys": fks}))
    assert problems == (set() if ok else {("schemas/t.schema.json", None, "foreignKeys", "descriptor")})


# ------------------------------------------------------------------ where the package is
def test_validate_the_descriptor_path_as_the_folder(tmp_path):
    tiny(tmp_path, rows="id,x\na,1\na,x\n")
    by_folder, by_file = validate(tmp_path), validate(tmp_path / "datapackage.json")
    assert list(by_file.problems) == list(by_folder.problems) and len(by_folder.problems) == 2
    assert by_file.rows == by_folder.rows == {"data/t.csv": 2}


def test_missing_folder_is_named(tmp_path):
    res = validate(tmp_path / "absent")
    assert [(p.file, p.kind) for p in res.problems] == [(str(tmp_path / "absent"), "missing")]
    res = validate(tmp_path / "absent" / "datapackage.json")
    assert [(p.file, p.kind) for p in res.problems] == [("datapackage.json", "path")] or res.problems[0].kind == "missing"


def test_folder_without_a_descriptor(tmp_path):
    res = validate(tmp_path)
    assert [(p.file, p.kind) for p in res.problems] == [("datapackage.json", "missing")]


def test_command_line_takes_the_descriptor_path(tmp_path):
    tiny(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["validate", str(tmp_path / "datapackage.json")]) == 0
        assert main(["validate", str(tmp_path / "absent")]) == 1
    assert str(tmp_path / "absent") in out.getvalue() and err.getvalue() == ""


def test_an_unreadable_descriptor_is_a_refusal_not_an_internal_error(monkeypatch):
    """docs, site and the other commands that load the package: exit 1 with the located problems."""
    import ifimes_karabakh.__main__ as cli

    def refuse(args):  # what any command that calls load_package meets on such a package
        raise descriptor.DescriptorError("schemas/x.schema.json::primaryKey: a Table Schema needs a primary key")
    monkeypatch.setitem(cli.COMMANDS, "docs", (refuse, cli.COMMANDS["docs"][1]))
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        assert main(["docs", "--check"]) == 1
    assert "schemas/x.schema.json::primaryKey" in err.getvalue() and "internal error" not in err.getvalue()


# ------------------------------------------------------------------ what reaches the screen is escaped at its source
FORGED = "\x1b[2J\x1b[H0 problem(s) found (clean CSV + Table Schema + rules)."


def screen(res):
    text = io.StringIO()
    report(res, text)
    return text.getvalue()


def assert_neutralised(res):
    """No problem, note or report line holds a control character; the only count line is the last."""
    for p in res.problems:
        assert p.message.isprintable() and str(p).isprintable(), str(p)
    for note in res.notes:
        assert note.isprintable(), note
    lines = screen(res).splitlines()
    assert all(line.isprintable() for line in lines)
    assert [line for line in lines if re.match(r"\d+ problem\(s\) found", line)] == [lines[-1]]
    assert not lines[-1].startswith("0 ")


def test_enum_value_cannot_forge_the_report(pkg):
    p = pkg / "schemas" / "parties.schema.json"
    s = json.loads(p.read_text())
    f = next(f for f in s["fields"] if f["name"] == "kind")
    f["constraints"]["enum"].append(FORGED)
    f["categories"].append({"value": FORGED, "label": "forged"})
    p.write_text(json.dumps(s))
    set_cell(pkg, "parties", 2, "kind", "starship")
    problems, res = found(pkg)
    assert ("data/parties.csv", 2, "kind", "enum") in problems
    assert "\\x1b[2J" in next(p.message for p in res.problems if p.kind == "enum")
    assert_neutralised(res)


def test_pattern_cannot_forge_the_report(pkg):
    p = pkg / "schemas" / "figures.schema.json"
    s = json.loads(p.read_text())
    next(f for f in s["fields"] if f["name"] == "note")["constraints"] = {"pattern": "x|\x1b\\[2J\n0 problem\\(s\\) found\\."}
    p.write_text(json.dumps(s))
    set_cell(pkg, "figures", 2, "note", "y")
    problems, res = found(pkg)
    assert ("data/figures.csv", 2, "note", "pattern") in problems
    assert_neutralised(res)


def test_field_names_in_skipped_notes_cannot_forge_the_report(pkg):
    forged = "\x1b[2J\n0 problem(s) found."
    p = pkg / "schemas" / "figures.schema.json"
    s = json.loads(p.read_text())
    next(f for f in s["fields"] if f["name"] == "party_id")["name"] = forged
    s["foreignKeys"] = [dict(fk, fields=forged) if fk["fields"] == "party_id" else fk for fk in s["foreignKeys"]]
    p.write_text(json.dumps(s))
    _, res = found(pkg)
    # escaped where the note is written, as a name: quoted, so that it reads as one name
    assert any(n.startswith("SKIPPED in data/figures.csv ('\\x1b[2J\\n0 problem(s) found.' not readable)") for n in res.notes), res.notes
    assert_neutralised(res)


def test_primary_and_foreign_key_names_in_messages_are_escaped(tmp_path):
    key = "i\x1bd"
    fields = [{"name": key}, {"name": "x", "type": "number"}]
    tiny(tmp_path, schema={"fields": fields, "primaryKey": key, "foreignKeys": [{"fields": "x", "reference": {"resource": "", "fields": key}}]},
         rows=f'"{key}",x\na,1\na,2\n')
    res = validate(tmp_path)
    assert {"primary-key", "foreign-key"} <= {p.kind for p in res.problems}
    assert all(p.message.isprintable() for p in res.problems)


def test_the_last_guard_before_the_screen():
    """report.plain escapes what is not printable and leaves the rest (non-ASCII letters, …) as it is."""
    from ifimes_karabakh.report import plain
    assert plain("a\x1b[2Jb\nc\u202ed\x00") == "a\\x1b[2Jb\\nc\\u202ed\\x00"
    assert plain("Kəlbəcər … “x”") == "Kəlbəcər … “x”"


@pytest.mark.parametrize("text,kind", [("null", "geojson"), ('{"type": "FeatureCollection", "features": [NaN]}', "json"),
                                       ('{"type": "FeatureCollection", "type": "x", "features": []}', "json")])
def test_a_geojson_resource_that_is_null_or_not_plain_json(pkg, text, kind):
    """A resource that is not a table is read like the descriptor: JSON null is checked (and
    fails), not taken for a file that could not be read; NaN or a repeated key is refused."""
    (pkg / "data" / "territory_polygons.geojson").write_text(text)
    problems, res = found(pkg)
    assert ("data/territory_polygons.geojson", 1 if kind == "json" else None, None if kind == "json" else "type", kind) in problems
    assert res.exit_code == 1
