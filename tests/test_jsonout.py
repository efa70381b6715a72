"""The version-1 JSON contract: valid against the committed schema, offsets exact."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from redline import api
from redline.jsonout import SCHEMA_PATH, to_json


@pytest.fixture(scope="module")
def payload():
    return to_json(api.analyze(api.sample_paths()))


def test_output_validates_against_the_schema(payload):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(payload, schema)
    assert payload["version"] == 1
    assert len(payload["agreements"]) == 5


def test_every_offset_points_into_the_reference_text(payload):
    for ag in payload["agreements"]:
        text = Path(ag["path"]).read_bytes().decode("utf-8-sig")
        n = len(text)
        for group in ("parts", "furniture", "clauses", "open_items", "xrefs"):
            for item in ag[group]:
                assert 0 <= item["start"] <= item["end"] <= n, (group, item)
        for f in ag["findings"]:
            if f["start"] is not None:
                assert 0 <= f["start"] < f["end"] <= n
        ids = [c["id"] for c in ag["clauses"]]
        assert len(ids) == len(set(ids)), "clause ids are unique"
        for c in ag["clauses"]:
            assert c["parent"] is None or c["parent"] in ids


def test_the_payload_is_plain_json(payload):
    assert json.loads(json.dumps(payload)) == payload
