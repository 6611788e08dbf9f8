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
    ("hash", "sha256:00", False), ("hash", "sha256:" + "0a" * 32, True), ("hash", "SHA256:" + "0a" * 32, False),
    ("hash", "md5:" + "0a" * 16, False), ("hash", "sha256:" + "0A" * 32, False), ("bytes", 12, False), ("stats", {"rows": 2}, False), ("scheme", "file", True), ("scheme", "https", False),
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


# ------------------------------------------------------------------ every message of the shape checks, in full
# The located message is what a maintainer reads to mend the descriptor: each case gives the literal
# schema or resource at a boundary and the (column, message) of every problem it must raise.
SF = [{"name": "id"}]
SCHEMA_MESSAGES = {
    'null': (None, [
        (None, "a Table Schema must be a JSON object (every table of this package needs one) (found 'null')"),
    ]),
    'not an object': ([1], [
        (None, "a Table Schema must be a JSON object (every table of this package needs one) (found 'list')"),
    ]),
    'fields missing': ({}, [
        ('fields', "expected a non-empty list of fields (found 'NoneType')"),
    ]),
    'fields empty': ({'fields': []}, [
        ('fields', "expected a non-empty list of fields (found 'list')"),
    ]),
    'title not text': ({'fields': SF, 'primaryKey': 'id', 'title': 3, 'description': None}, [
        ('title', "expected text (found '3')"),
        ('description', "expected text (found 'None')"),
    ]),
    'missingValues': ({'fields': SF, 'primaryKey': 'id', 'missingValues': ['-']}, [
        ('missingValues', 'not read by this validator (expected [\'\'], or nothing) (found "[\'-\']")'),
    ]),
    'fieldsMatch': ({'fields': SF, 'primaryKey': 'id', 'fieldsMatch': 'subset'}, [
        ('fieldsMatch', "not read by this validator (expected 'exact', or nothing) (found 'subset')"),
    ]),
    'uniqueKeys': ({'fields': SF, 'primaryKey': 'id', 'uniqueKeys': [['id']]}, [
        ('uniqueKeys', 'not checked by this validator (expected it absent) (found "[[\'id\']]")'),
    ]),
    'field not object': ({'fields': [SF[0], 'x', {'name': ''}, {'name': 3}], 'primaryKey': 'id'}, [
        ('fields[1]', "a field must be an object with a non-empty string name (found 'x')"),
        ('fields[2]', 'a field must be an object with a non-empty string name (found "{\'name\': \'\'}")'),
        ('fields[3]', 'a field must be an object with a non-empty string name (found "{\'name\': 3}")'),
    ]),
    'field type': ({'fields': [SF[0], {'name': 'g', 'type': 'geopoint'}, {'name': 'h', 'type': ['string']}], 'primaryKey': 'id'}, [
        ('fields[1].type', "type not checked by this validator (expected one of boolean, date, integer, number, string) (found 'geopoint')"),
        ('fields[2].type', 'type not checked by this validator (expected one of boolean, date, integer, number, string) (found "[\'string\']")'),
    ]),
    'field title': ({'fields': [SF[0], {'name': 'a', 'title': 1, 'description': []}], 'primaryKey': 'id'}, [
        ('fields[1].title', "expected text (found '1')"),
        ('fields[1].description', "expected text (found '[]')"),
    ]),
    'field defaults': ({'fields': [SF[0], {'name': 'a', 'format': 'email', 'bareNumber': False, 'decimalChar': ',', 'groupChar': ' ', 'missingValues': ['NA'], 'trueValues': ['y'], 'falseValues': ['n']}, {'name': 'b', 'format': 'default', 'bareNumber': True, 'decimalChar': '.', 'groupChar': '', 'missingValues': ['']}], 'primaryKey': 'id'}, [
        ('fields[1].format', "not read by this validator (expected 'default', or nothing) (found 'email')"),
        ('fields[1].bareNumber', "not read by this validator (expected True, or nothing) (found 'False')"),
        ('fields[1].decimalChar', "not read by this validator (expected '.', or nothing) (found ',')"),
        ('fields[1].groupChar', "not read by this validator (expected '', or nothing) (found ' ')"),
        ('fields[1].missingValues', 'not read by this validator (expected [\'\'], or nothing) (found "[\'NA\']")'),
        ('fields[1].falseValues', 'not read by this validator (expected it absent: a boolean is true or false) (found "[\'n\']")'),
        ('fields[1].trueValues', 'not read by this validator (expected it absent: a boolean is true or false) (found "[\'y\']")'),
    ]),
    'constraints not object': ({'fields': [SF[0], {'name': 'a', 'constraints': []}], 'primaryKey': 'id'}, [
        ('fields[1].constraints', "expected an object (found '[]')"),
    ]),
    'constraints unknown/wrong': ({'fields': [SF[0], {'name': 'a', 'constraints': {'exclusiveMaximum': 1, 'required': 1, 'unique': 'yes', 'enum': 'a', 'pattern': 1, 'minLength': 1.0, 'maxLength': True, 'minimum': '0', 'maximum': False}}], 'primaryKey': 'id'}, [
        ('fields[1].constraints.exclusiveMaximum', "constraint not checked by this validator (expected only required, unique, enum, pattern, minLength, maxLength, minimum, maximum) (found 'exclusiveMaximum')"),
        ('fields[1].constraints.required', "constraint of the wrong type (found '1')"),
        ('fields[1].constraints.unique', "constraint of the wrong type (found 'yes')"),
        ('fields[1].constraints.enum', "constraint of the wrong type (found 'a')"),
        ('fields[1].constraints.pattern', "constraint of the wrong type (found '1')"),
        ('fields[1].constraints.minLength', "constraint of the wrong type (found '1.0')"),
        ('fields[1].constraints.maxLength', "constraint of the wrong type (found 'True')"),
        ('fields[1].constraints.minimum', "constraint of the wrong type (found '0')"),
        ('fields[1].constraints.maximum', "constraint of the wrong type (found 'False')"),
    ]),
    'constraints bounds': ({'fields': [SF[0], {'name': 'a', 'type': 'integer', 'constraints': {'minimum': 10**400, 'maximum': -10**400, 'minLength': -1, 'maxLength': 2**63}}, {'name': 'b', 'constraints': {'minLength': 0, 'maxLength': 2**63 - 1, 'minimum': 10**308, 'maximum': -1.5}}], 'primaryKey': 'id'}, [
        ('fields[1].constraints.minLength', "length out of range (expected 0 to 2**63 - 1) (found '-1')"),
        ('fields[1].constraints.maxLength', "length out of range (expected 0 to 2**63 - 1) (found '9223372036854775808')"),
        ('fields[1].constraints.minimum', "bound beyond the range of a 64-bit float (expected a finite number) (found '100000000000000000000000000000000000000000000000000000000000…')"),
        ('fields[1].constraints.maximum', "bound beyond the range of a 64-bit float (expected a finite number) (found '-10000000000000000000000000000000000000000000000000000000000…')"),
    ]),
    'pattern re2': ({'fields': [SF[0], {'name': 'a', 'constraints': {'pattern': '(?=a)b'}}, {'name': 'b', 'constraints': {'pattern': 'a+'}}], 'primaryKey': 'id'}, [
        ('fields[1].constraints.pattern', "pattern this validator cannot run (expected a regular expression in RE2 syntax) (found '(?=a)b')"),
    ]),
    'enum not strings': ({'fields': [SF[0], {'name': 'a', 'constraints': {'enum': ['a', 1]}}], 'primaryKey': 'id'}, [
        ('fields[1].constraints.enum', 'enum values must be strings (found "[\'a\', 1]")'),
    ]),
    'categories': ({'fields': [SF[0], {'name': 'a', 'categories': 'x'}, {'name': 'b', 'categories': [{'value': 1}]}, {'name': 'c', 'categories': ['x', 'y'], 'constraints': {'enum': ['y', 'x']}}, {'name': 'd', 'categories': [{'value': 'x', 'label': 2}]}, {'name': 'e', 'categories': [{'value': 'x', 'label': 'X'}, 'y'], 'constraints': {'enum': ['x', 'y']}}], 'primaryKey': 'id'}, [
        ('fields[1].categories', "expected a list of {value, label} objects with string values (found 'x')"),
        ('fields[2].categories', 'expected a list of {value, label} objects with string values (found "[{\'value\': 1}]")'),
        ('fields[3].categories', 'categories and constraints.enum list different values (expected the same values in the same order) (found "[\'x\', \'y\']")'),
        ('fields[4].categories', 'a category\'s label must be text (found "[{\'value\': \'x\', \'label\': 2}]")'),
    ]),
    'names': ({'fields': [SF[0], {'name': 'a'}, {'name': 'a'}, {'name': 'B'}, {'name': 'b'}], 'primaryKey': 'id'}, [
        ('fields', 'field names must be unique (found "[\'a\']")'),
        ('fields', 'field names that differ only in case (expected names that differ in more than case) (found "[\'B\', \'b\']")'),
    ]),
    'pk': ({'fields': SF, 'primaryKey': 3}, [
        ('primaryKey', "primary key names no field (found '3')"),
    ]),
    'pk list': ({'fields': SF, 'primaryKey': ['id', 'zz', 3]}, [
        ('primaryKey', "primary key names no field (found 'zz')"),
        ('primaryKey', "primary key names no field (found '3')"),
    ]),
    'pk empty': ({'fields': SF, 'primaryKey': []}, [
        ('primaryKey', "a Table Schema needs a primary key (expected the fields that identify a row: every table of this package has one) (found '[]')"),
    ]),
    'fks': ({'fields': [SF[0], {'name': 'a'}], 'primaryKey': 'id', 'foreignKeys': [3, {'fields': 'a'}, {'fields': 'a', 'reference': {'resource': 1, 'fields': 'a'}}, {'fields': ['a', 'id'], 'reference': {'fields': 'a'}}, {'fields': '', 'reference': {'fields': 'a'}}, {'fields': 'zz', 'reference': {'fields': 'a'}}, {'fields': ['a'], 'reference': {'resource': '', 'fields': ['id']}}]}, [
        ('resources[0].schema.foreignKeys[0]', "expected {fields, reference: {resource, fields}} (found '3')"),
        ('resources[0].schema.foreignKeys[1]', 'expected {fields, reference: {resource, fields}} (found "{\'fields\': \'a\'}")'),
        ('resources[0].schema.foreignKeys[2]', 'expected {fields, reference: {resource, fields}} (found "{\'fields\': \'a\', \'reference\': {\'resource\': 1, \'fields\': \'a\'}}")'),
        ('resources[0].schema.foreignKeys[3]', 'fields and reference.fields must name the same number of fields, by name (found "{\'fields\': [\'a\', \'id\'], \'reference\': {\'fields\': \'a\'}}")'),
        ('resources[0].schema.foreignKeys[4]', 'fields and reference.fields must name the same number of fields, by name (found "{\'fields\': \'\', \'reference\': {\'fields\': \'a\'}}")'),
        ('resources[0].schema.foreignKeys[5]', "foreign key names no field (found 'zz')"),
    ]),
    'fks not list': ({'fields': SF, 'primaryKey': 'id', 'foreignKeys': {'fields': 'id'}}, [
        ('foreignKeys[0]', "expected {fields, reference: {resource, fields}} (found 'None')"),
    ]),
}


@pytest.mark.parametrize("case", sorted(SCHEMA_MESSAGES))
def test_every_schema_problem_with_its_place_and_message(case):
    schema, expected = SCHEMA_MESSAGES[case]
    out = []
    ok = descriptor.check_schema(schema, "s.json", out, *(["resources[0].schema"] if case == "fks" else []))
    assert [(p.file, p.row, p.kind) for p in out] == [("s.json", None, "descriptor")] * len(expected)
    assert [(p.column, p.message) for p in out] == expected and ok is (not expected)


def test_a_sound_schema_at_every_boundary_says_nothing():
    fields = [{"name": "id", "title": "Id", "description": "", "constraints": {"required": True}},
              {"name": "b", "format": "default", "bareNumber": True, "decimalChar": ".", "groupChar": "", "missingValues": [""]},
              {"name": "c", "constraints": {"minLength": 0, "maxLength": 2**63 - 1, "minimum": 10**308, "maximum": -1.5, "pattern": "a+", "enum": ["x", "y"]},
               "categories": [{"value": "x", "label": "X"}, "y"]},
              {"name": "d", "type": "boolean", "constraints": {"unique": False}}]
    schema = {"fields": fields, "primaryKey": ["id", "b"], "missingValues": [""], "fieldsMatch": "exact", "title": "T",
              "foreignKeys": [{"fields": ["c", "d"], "reference": {"resource": "", "fields": ["id", "b"]}}]}
    out = []
    assert descriptor.check_schema(schema, "s.json", out) and out == []
    out = []
    assert descriptor.check_schema(dict(schema, foreignKeys=[{"fields": "c", "reference": {"fields": "id"}}] * MAX_FOREIGN_KEYS), "s.json", out) and out == []


def test_every_resource_file_problem_with_its_place_and_message():
    sound = {"$schema": "x", "hash": "sha256:" + "0a" * 32, "type": "table", "format": "CSV", "mediatype": "text/csv", "encoding": "UTF8", "scheme": "file",
             "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True, "lineTerminator": "\n",
                         "skipInitialSpace": False, "headerRows": [1], "commentRows": [], "csvddfVersion": "1.2",
                         "caseSensitiveHeader": True, "headerJoin": " ", "$schema": "y"}}
    out = []
    descriptor.check_resource_file(sound, "dp.json", "resources[0]", out)
    assert out == []
    bad = {"$schema": 1, "type": "tabular", "format": 3, "mediatype": "text/tsv", "encoding": "latin-1", "data": [], "compression": "gz",
           "innerpath": "a", "extrapaths": [], "scheme": "http", "hash": "h", "bytes": 1, "stats": {}, "title": 1, "description": 2}
    descriptor.check_resource_file(bad, "dp.json", "resources[0]", out)
    refused = "is not read or checked by this validator, refused (found {}; expected only `path` to the file)"
    assert [(p.file, p.column, p.kind, p.message) for p in out] == [("dp.json", f"resources[0].{c}", "descriptor", m) for c, m in [
        ("$schema", "expected a profile URL (found '1')"),
        ("data", "inline data beside the file " + refused.format("'[]'")),
        ("compression", "a compressed file " + refused.format("'gz'")),
        ("innerpath", "a file inside an archive " + refused.format("'a'")),
        ("extrapaths", "more files joined to the first " + refused.format("'[]'")),
        ("scheme", "another way to reach the file " + refused.format("'http'")),
        ("bytes", "the file's size " + refused.format("'1'")),
        ("stats", "the file's checksum, size or row count " + refused.format("'{}'")),
        ("hash", "a checksum this validator does not check (found 'h'; expected 'sha256:' and 64 lowercase hex digits, as ./dp schemas writes it)"),
        ("title", "expected text (found '1')"),
        ("description", "expected text (found '2')"),
        ("type", "not what this validator reads (found 'tabular'; expected 'table')"),
        ("format", "not what this validator reads (found '3'; expected 'csv')"),
        ("mediatype", "not what this validator reads (found 'text/tsv'; expected 'text/csv')"),
        ("encoding", "not what this validator reads (found 'latin-1'; expected 'utf-8')")]]


@pytest.mark.parametrize("dialect,expected", [
    ("d.json", [("dialect", "expected the dialect inline, as an object (found 'd.json')")]),
    ({"delimiter": ";", "header": 1, "skipInitialSpace": True, "headerRows": [2], "commentChar": "#", "doubleQuote": 1}, [
        ("dialect.delimiter", "dialect not read by this validator (found ';'; expected ',')"),
        ("dialect.header", "dialect not read by this validator (found '1'; expected True)"),
        ("dialect.skipInitialSpace", "dialect not read by this validator (found 'True'; expected False)"),
        ("dialect.headerRows", "dialect not read by this validator (found '[2]'; expected [1])"),
        ("dialect.commentChar", "dialect not read by this validator (found '#'; expected only delimiter, quoteChar, doubleQuote, header, lineTerminator)"),
        ("dialect.doubleQuote", "dialect not read by this validator (found '1'; expected True)")]),
])
def test_a_dialect_other_than_what_csvread_reads(dialect, expected):
    out = []
    descriptor.check_resource_file({"dialect": dialect}, "dp.json", "resources[0]", out)
    assert [(p.file, p.column, p.kind, p.message) for p in out] == [("dp.json", f"resources[0].{c}", "descriptor", m) for c, m in expected]


@pytest.mark.parametrize("resource,expected", [
    ({"format": "geojson"}, []),
    ({"format": "geojson", "mediatype": "application/geo+json", "encoding": "UTF-8"}, []),
    ({"format": "geojson", "mediatype": "application/json", "encoding": "latin1", "type": "table", "dialect": {}}, [
        ("mediatype", "not the media type of geojson (found 'application/json'; expected 'application/geo+json')"),
        ("encoding", "not what this validator reads (found 'latin1'; expected 'utf-8')"),
        ("type", "a geojson resource is not a table (found 'table'; expected no type)"),
        ("dialect", "a geojson resource is not a table (found '{}'; expected no dialect)")]),
    ({"format": "geojson", "encoding": 8}, [("encoding", "not what this validator reads (found '8'; expected 'utf-8')")]),
])
def test_a_file_resource_declares_its_own_format(resource, expected):
    out = []
    assert descriptor.check_file_resource(resource, "dp.json", "resources[0]", out) is (not expected)
    assert [(p.file, p.column, p.kind, p.message) for p in out] == [("dp.json", f"resources[0].{c}", "descriptor", m) for c, m in expected]


def test_every_descriptor_problem_with_its_place_and_message(tmp_path):
    """One descriptor with a fault in each part: each is reported where it stands, the sound tables are kept."""
    inline = {"fields": [{"name": "id"}, {"name": "x"}], "primaryKey": "id",
              "foreignKeys": [{"fields": "x", "reference": {"resource": "nowhere", "fields": "id"}},
                              {"fields": "x", "reference": {"resource": "t", "fields": "nope"}},
                              {"fields": "x", "reference": {"resource": "v", "fields": "id"}}]}
    dp = {"name": "Bad Name", "version": "1.0", "title": 1, "description": [], "resources": [
        {"name": "t", "path": "data/t.csv", "schema": "schemas/t.schema.json"},
        "x", {"name": "sqlite_t"}, {"name": "t", "path": "data/t.csv"},
        {"name": "u", "path": "data/t.csv"},
        {"name": "v", "path": "../t.csv", "schema": "schemas/t.schema.json"},
        {"name": "w", "path": "data/t.csv", "schema": inline},
        {"name": "g", "format": "geojson", "path": "data/g.geojson", "mediatype": "x"},
        {"name": "h", "format": "geojson", "path": "https://x/g.geojson"},
        {"name": "s", "path": "data/t.csv", "schema": "https://x/s.json"},
        {"name": "m", "path": "data/t.csv", "schema": "schemas/missing.json"}]}
    out = []
    pkg = load(tiny(tmp_path, descriptor_text=json.dumps(dp)), out)
    assert [r.name for r in pkg.resources] == ["t", "w"] and pkg.files == []
    name_rule = "lowercase letters, digits, '.', '_' or '-', at most 64"
    remote = "remote path refused: validation never reads from the network (found '{}'; expected a path inside the package folder)"
    assert [(p.file, p.row, p.column, p.kind, p.message) for p in out] == [
        ("datapackage.json", None, "name", "descriptor", f"package name must be {name_rule} (found 'Bad Name')"),
        ("datapackage.json", None, "version", "descriptor", "version must be SemVer X.Y.Z (found '1.0')"),
        ("datapackage.json", None, "title", "descriptor", "expected text (found '1')"),
        ("datapackage.json", None, "description", "descriptor", "expected text (found '[]')"),
        ("datapackage.json", None, "resources[1]", "descriptor", f"a resource must be an object with a name of {name_rule}, not starting with sqlite_ (found 'x')"),
        ("datapackage.json", None, "resources[2]", "descriptor", f"a resource must be an object with a name of {name_rule}, not starting with sqlite_ (found 'sqlite_t')"),
        ("datapackage.json", None, "resources[3].name", "descriptor", "resource name used twice (found 't')"),
        ("datapackage.json", None, "resources[4].schema", "descriptor", "resource without a Table Schema (expected a path to one, or one inline: every table of this package needs one)"),
        ("datapackage.json", None, "resources[5].path", "path", "path outside the package folder refused (found '../t.csv'; expected a relative path without '..')"),
        ("datapackage.json", None, "resources[7].mediatype", "descriptor", "not the media type of geojson (found 'x'; expected 'application/geo+json')"),
        ("datapackage.json", None, "resources[8].path", "path", remote.format("https://x/g.geojson")),
        ("datapackage.json", None, "resources[9].schema", "path", remote.format("https://x/s.json")),
        ("schemas/missing.json", None, None, "missing", "file is missing"),
        ("datapackage.json", None, "foreignKeys[0]", "descriptor", "foreign key points to no resource (found 'nowhere')"),
        ("datapackage.json", None, "foreignKeys[1]", "descriptor", "foreign key points to no field of t (found 'nope')"),
    ]


@pytest.mark.parametrize("resources,kind,message", [
    ([], "descriptor", "expected a non-empty list of resources (found 'list')"),
    ({"a": 1}, "descriptor", "expected a non-empty list of resources (found 'dict')"),
    ([{}] * (MAX_RESOURCES + 1), "limit", f"too many resources (found {MAX_RESOURCES + 1}; expected at most {MAX_RESOURCES}); none is read"),
])
def test_resources_that_cannot_be_read_at_all(tmp_path, resources, kind, message):
    out = []
    dp = {"name": "p", "version": "1.0.0-rc.1+b2", "resources": resources}
    assert load(tiny(tmp_path, descriptor_text=json.dumps(dp)), out) is None
    assert [(p.file, p.column, p.kind, p.message) for p in out] == [("datapackage.json", "resources", kind, message)]


@pytest.mark.parametrize("data,row,message", [
    (b'{"a": 1,\n "b": }', 2, "invalid JSON (Expecting value at column 7)"),
    (b'{\n "a": NaN}', 2, "not plain JSON at column 7: NaN is not a JSON number (expected a finite number, or a string)"),
    (b'{"a": 1,\n "a": 2}', 1, "not plain JSON at column 1: key 'a' given twice in one object (expected each key once: readers keep one of them without a word)"),
    (b'{"a":\n "\xe9"}', 2, "bytes that are not UTF-8 (expected UTF-8 JSON)"),
    (b"[" * 100_000, None, "invalid JSON (nested too deeply to read)"),
    (b"1" * 5000, None, "invalid JSON (Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits)"),
    (b"[1,\n\n  1e999]", 3, "not plain JSON at column 3: number beyond the range of a 64-bit float (found '1e999')"),
    (b'{"k": "\\ud800"}', 1, "not plain JSON at column 7: lone surrogate in a string (found '\\ud800'; expected text that UTF-8 can hold)"),
    (b'{"x": 1, "\\udc00": 1}', 1, "not plain JSON at column 11: lone surrogate in a string (found '\\udc00'; expected text that UTF-8 can hold)"),
])
def test_json_that_cannot_be_used_with_its_line_and_message(tmp_path, data, row, message):
    (tmp_path / "s.json").write_bytes(data)
    out = []
    assert descriptor.load_json(tmp_path / "s.json", "s.json", out) == (False, None)
    assert [(p.file, p.row, p.column, p.kind, p.message) for p in out] == [("s.json", row, None, "json", message)]


def test_json_null_missing_and_folder(tmp_path):
    (tmp_path / "null.json").write_text("null", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    out = []
    assert descriptor.load_json(tmp_path / "null.json", "null.json", out) == (True, None) and out == []
    assert descriptor.load_json(tmp_path / "none.json", "none.json", out) == (False, None)
    assert descriptor.load_json(tmp_path / "sub", "sub", out) == (False, None)
    assert [(p.file, p.kind, p.message) for p in out] == [("none.json", "missing", "file is missing"),
                                                          ("sub", "json", "file cannot be read (not a regular file)")]


@pytest.mark.parametrize("rel,kind,message", [
    ("", "descriptor", "expected a relative path (found '')"),
    (None, "descriptor", "expected a relative path (found 'None')"),
    (3, "descriptor", "expected a relative path (found '3')"),
    ("/etc/passwd", "path", "path outside the package folder refused (found '/etc/passwd'; expected a relative path without '..')"),
    ("\\x", "path", "path outside the package folder refused (found '\\\\x'; expected a relative path without '..')"),
    ("a\\b", "path", "path outside the package folder refused (found 'a\\\\b'; expected a relative path without '..')"),
    ("a/../b", "path", "path outside the package folder refused (found 'a/../b'; expected a relative path without '..')"),
    ("a\x00", "path", "path outside the package folder refused (found 'a\\x00'; expected a relative path without '..')"),
    ("file:x", "path", "remote path refused: validation never reads from the network (found 'file:x'; expected a path inside the package folder)"),
    ("C:x", "path", "remote path refused: validation never reads from the network (found 'C:x'; expected a path inside the package folder)"),
    ("sub", "path", "path is not a regular file (a folder, FIFO or device; found 'sub')"),
    ("out", "path", "path leads outside the package folder through a link, refused (found 'out')"),
    ("ok.json", None, None), ("sub/new.json", None, None), ("a..b.json", None, None),
])
def test_every_path_refusal_with_its_message(tmp_path, rel, kind, message):
    (tmp_path / "sub").mkdir()
    (tmp_path / "ok.json").write_text("{}", encoding="utf-8")
    os.symlink("/etc/hostname", tmp_path / "out")
    out = []
    got = descriptor.inside(tmp_path, rel, "dp.json", "col", out)
    if kind is None:
        assert got == tmp_path / rel and out == []
    else:
        assert got is None and [(p.file, p.column, p.kind, p.message) for p in out] == [("dp.json", "col", kind, message)]


@pytest.mark.parametrize("text,row,message", [
    # a long number is cut to 40 characters in the message
    ("[" + "1" + "0" * 39 + "e999]", 1, "not plain JSON at column 2: number beyond the range of a 64-bit float (found '1" + "0" * 39 + "…')"),
    # a repeated key is located at its object, not at a lone escape later in the text
    ('[{"a": 1, "a": 2}, "\\ud800"]', 1, "not plain JSON at column 2: key 'a' given twice in one object (expected each key once: readers keep one of them without a word)"),
    # a lone surrogate in a key is located at its own escape, not at an earlier text that only looks like one
    ('[{"x": "\\\\ud800"}, {"\\udc00": 1}]', 1, "not plain JSON at column 22: lone surrogate in a string (found '\\udc00'; expected text that UTF-8 can hold)"),
    # a string that is the whole document, after a line break
    ('\n  "\\ud800"', 2, "not plain JSON at column 3: lone surrogate in a string (found '\\ud800'; expected text that UTF-8 can hold)"),
])
def test_refused_json_is_located_where_it_stands(tmp_path, text, row, message):
    (tmp_path / "s.json").write_text(text, encoding="utf-8")
    out = []
    assert descriptor.load_json(tmp_path / "s.json", "s.json", out) == (False, None)
    assert [(p.row, p.message) for p in out] == [(row, message)]


def test_load_package_names_every_problem_even_when_the_package_loads(tmp_path):
    tiny(tmp_path)
    dp = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    (tmp_path / "datapackage.json").write_text(json.dumps(dp | {"version": "1", "title": 2}), encoding="utf-8")
    with pytest.raises(descriptor.DescriptorError) as e:
        descriptor.load_package(tmp_path)
    assert str(e.value) == ("datapackage.json::version: version must be SemVer X.Y.Z (found '1')\n"
                            "datapackage.json::title: expected text (found '2')")
    (tmp_path / "datapackage.json").unlink()
    with pytest.raises(descriptor.DescriptorError) as e:
        descriptor.load_package(tmp_path)
    assert str(e.value) == "datapackage.json: file is missing"
    tiny(tmp_path)
    assert [r.name for r in descriptor.load_package(tmp_path).resources] == ["t"]


def test_too_many_fields_stops_the_schema_with_its_count():
    out = []
    fields = [{"name": f"f{i}"} for i in range(MAX_FIELDS + 1)]
    assert descriptor.check_schema({"fields": fields, "primaryKey": "f0"}, "s.json", out) is False
    assert [(p.column, p.message) for p in out] == [("fields", f"too many fields (expected at most {MAX_FIELDS:,}) (found '{MAX_FIELDS + 1:,}')")]
    assert descriptor.check_schema({"fields": fields[:-1], "primaryKey": "f0"}, "s.json", out) is True and len(out) == 1


def test_too_many_foreign_keys_with_its_count_and_a_bad_constraints_leaves_later_fields_checked():
    out = []
    fks = [{"fields": "a", "reference": {"fields": "a"}}] * (MAX_FOREIGN_KEYS + 1)
    assert descriptor.check_schema({"fields": [{"name": "a"}], "primaryKey": "a", "foreignKeys": fks}, "s.json", out) is False
    assert [(p.column, p.message) for p in out] == [("foreignKeys", f"too many foreign keys (expected at most {MAX_FOREIGN_KEYS}) (found '{MAX_FOREIGN_KEYS + 1}')")]
    out = []
    fields = [{"name": "a", "constraints": []}, {"name": "b", "type": "geopoint"}]
    assert descriptor.check_schema({"fields": fields, "primaryKey": "a"}, "s.json", out) is False
    assert [p.column for p in out] == ["fields[0].constraints", "fields[1].type"]


# ------------------------------------------------------------------ what load() gives back
def test_load_gives_each_table_and_file_with_its_title_and_hash(tmp_path):
    root = tiny(tmp_path, resource={"title": "The t table", "hash": "sha256:" + "a" * 64})
    dp = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    dp["resources"].append({"name": "shapes", "path": "data/shapes.geojson", "format": "geojson", "mediatype": "application/geo+json",
                            "title": "Shapes", "hash": "sha256:" + "b" * 64})
    dp["resources"].append({"name": "plain", "path": "data/plain.geojson", "format": "geojson", "mediatype": "application/geo+json"})
    (root / "datapackage.json").write_text(json.dumps(dp), encoding="utf-8")
    for name in ("shapes", "plain"):
        (root / "data" / f"{name}.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    pkg, problems = loaded(root)
    assert problems == set()
    assert pkg.files == [descriptor.File("shapes", "data/shapes.geojson", "geojson", "Shapes", "sha256:" + "b" * 64),
                         descriptor.File("plain", "data/plain.geojson", "geojson", "", "")]
    (t,) = pkg.resources
    assert (t.name, t.path, t.schema_file, t.title, t.hash) == ("t", "data/t.csv", "schemas/t.schema.json", "The t table", "sha256:" + "a" * 64)
    assert tiny(tmp_path / "bare") and loaded(tmp_path / "bare")[0].resources[0].title == "" == loaded(tmp_path / "bare")[0].resources[0].hash


def test_a_missing_folder_and_a_missing_descriptor_file_are_named(tmp_path):
    out = []
    assert load(tmp_path / "nowhere", out) is None
    assert [(p.file, p.kind, p.message) for p in out] == [
        (str(tmp_path / "nowhere"), "missing", "package folder not found (expected a folder holding datapackage.json, or the path of that file)")]
    out = []
    assert load(tmp_path / "other.json", out) is None  # a descriptor's path that does not exist: the file is named, in its folder
    assert [(p.file, p.kind) for p in out] == [("other.json", "missing")]
    tiny(tmp_path / "pkg")
    (tmp_path / "pkg" / "datapackage.json").rename(tmp_path / "pkg" / "descriptor.txt")
    out = []
    assert load(tmp_path / "pkg" / "descriptor.txt", out).resources[0].name == "t" and out == []  # a descriptor of another name


def test_a_symlink_loop_is_a_located_path_problem(tmp_path):
    root = tiny(tmp_path)
    (root / "data" / "loop.csv").symlink_to(root / "data" / "loop.csv")
    dp = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    dp["resources"][0]["path"] = "data/loop.csv"
    (root / "datapackage.json").write_text(json.dumps(dp), encoding="utf-8")
    try:
        (root / "data" / "loop.csv").resolve(strict=False)
        pytest.fail("no symlink loop error on this system")
    except (OSError, RuntimeError) as e:
        said = str(e).split(":")[0]
    out = []
    load(root, out)
    from ifimes_karabakh.report import show
    assert [(p.file, p.column, p.kind, p.message) for p in out] == [
        ("datapackage.json", "resources[0].path", "path", f"path cannot be followed: {show(said, 40)} (found 'data/loop.csv')")]
    assert len(said) > 40  # the message shows it cut


def test_the_key_given_twice_is_the_one_named():
    with pytest.raises(descriptor._Refused, match=r"^key 'b' given twice in one object \(expected each key once: readers keep one of them without a word\)$"):
        descriptor.loads('{"a": 1, "b": 2, "c": 3, "b": 4}')


def test_every_dialect_key_after_one_that_is_read_is_still_checked(tmp_path):
    pkg, problems = loaded(tiny(tmp_path, resource={"dialect": {"header": True, "delimiter": ";"}}))
    assert ("datapackage.json", None, "resources[0].dialect.delimiter", "descriptor") in problems


def test_a_geojson_resource_with_a_schema_is_a_table_and_its_format_is_refused(tmp_path):
    _, problems = loaded(tiny(tmp_path, resource={"format": "geojson"}))
    assert ("datapackage.json", None, "resources[0].format", "descriptor") in problems


def test_a_file_resource_with_a_refused_key_is_located_at_it(tmp_path):
    root = tiny(tmp_path)
    dp = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    dp["resources"].append({"name": "shapes", "path": "data/shapes.geojson", "format": "geojson", "mediatype": "application/geo+json", "compression": "gz"})
    (root / "datapackage.json").write_text(json.dumps(dp), encoding="utf-8")
    (root / "data" / "shapes.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    pkg, problems = loaded(root)
    assert problems == {("datapackage.json", None, "resources[1].compression", "descriptor")} and pkg.files == []


def test_a_resource_name_with_two_dots_in_a_row_is_refused(tmp_path):
    _, problems = loaded(tiny(tmp_path, resource={"name": "a..b"}))
    assert problems == {("datapackage.json", None, "resources[0]", "descriptor")}
    _, problems = loaded(tiny(tmp_path / "ok", resource={"name": "a.b"}))
    assert problems == set()
