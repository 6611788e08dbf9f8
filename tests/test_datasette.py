"""Datasette: the metadata generated from the descriptor, and `./dp serve` answering on 127.0.0.1
for a table page, a row page and a foreign-key link, then stopped."""
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from ifimes_karabakh import REPO
from ifimes_karabakh.dataset import Dataset
from ifimes_karabakh.datasette import label_column, metadata
from ifimes_karabakh.release import database_name


def test_the_database_file_has_no_dot_before_its_extension():
    assert database_name({"name": "ifimes-2020-karabakh", "version": "0.7.0"}) == "ifimes-2020-karabakh-0_7_0.sqlite"
    assert database_name({"name": "p", "version": "10.20.30"}) == "p-10_20_30.sqlite"


def test_the_metadata_describes_every_table_and_column_and_names_labels():
    ds = Dataset.load(REPO)
    meta = metadata(ds, "x-1_0_0.sqlite")
    tables = meta["databases"]["x-1_0_0"]["tables"]
    assert set(tables) == {r.name for r in ds.package.resources}
    assert meta["license"] and meta["license_url"].startswith("https://creativecommons.org/")
    assert meta["source_url"].startswith("https://www.ifimes.org/")
    assert tables["parties"]["label_column"] == "name" and tables["claims"]["label_column"] == "claim_summary"
    assert all(tables[r.name]["columns"].keys() == set(r.fields) for r in ds.package.resources)
    assert label_column([{"name": "title"}, {"name": "name"}]) == "name" and label_column([{"name": "x"}]) is None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read().decode("utf-8")


def test_serve_answers_a_table_a_row_and_a_foreign_key_then_stops():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ifimes_karabakh", "serve", "--port", str(port)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/" + database_name(json.loads((REPO / "datapackage.json").read_text()))[:-len(".sqlite")]
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, page = get(base + "/claims?_sort=claim_id&claim_id__startswith=trilateral")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"./dp serve did not answer: {proc.stdout.read().decode()[-500:] if proc.poll() is not None else 'timeout'}")
                time.sleep(0.2)
        assert status == 200 and "trilateral-kind" in page and "claims" in page
        status, row = get(base + "/claims/trilateral-kind")
        assert status == 200 and "peace agreement" in row
        assert "/claim_sources?claim_id=trilateral-kind" in row  # the rows that point to it
        status, page = get(base + "/claims?claim_id=trilateral-kind")
        link = re.search(r'href="(/[^"]+/sources/az-mfa-trilateral-statement-2020)"', page)
        assert link, "the table page links the verdict source through its foreign key"
        status, source = get(f"http://127.0.0.1:{port}{link.group(1)}")
        assert status == 200 and "az-mfa-trilateral-statement-2020" in source
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode is not None
