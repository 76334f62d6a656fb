"""The report data file: load YAML or JSON, validate, dump back without loss."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bot.format.catalogue import Code
from bot.format.datafile import DataFileError, Report, dumps, from_data, load, parse_text, save
from tests.helpers.paths import SHARED


def roundtrip(report: Report, fmt: str) -> Report:
    back, findings = from_data(parse_text(dumps(report, fmt)))
    assert findings == []
    return back


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dump_load_is_lossless(report: Report, fmt: str) -> None:
    report.extra["explanations"] = {"table2.in_force_trend@active.rules.in_force": "清理失效"}
    report.extra["custom"] = {"nested": [1, "两"]}
    report.narrative["problems"] = "第一行\n第二行  \n\x07控制字符"
    assert roundtrip(report, fmt) == report


def test_seed_roundtrip(seed: Report) -> None:
    assert roundtrip(seed, "yaml") == seed


def test_money_is_decimal_never_float(tmp_path: Path, report: Report) -> None:
    report.active["fees_wan_yuan"] = Decimal("0.35")
    path = tmp_path / "r.yaml"
    save(report, path)
    assert "fees_wan_yuan: 0.35\n" in path.read_text(encoding="utf-8")
    back, _ = load(path)
    assert back.active["fees_wan_yuan"] == Decimal("0.35")
    assert isinstance(back.active["fees_wan_yuan"], Decimal)


def test_dump_conforms_to_schema(report: Report) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = SHARED / "spec" / "report-data.schema.json"
    if not schema_path.exists():
        pytest.skip("../shared/spec is not available")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(dumps(report, "json")), schema)
    jsonschema.validate(yaml.safe_load(dumps(report)), schema)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", Code.DATA_EMPTY),
        (b"   \n", Code.DATA_EMPTY),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", Code.DATA_NOT_YAML),
        (b"agency: [unclosed", Code.DATA_NOT_YAML),
        ("- 一\n- 二\n".encode(), Code.DATA_NOT_REPORT),
        (
            b"format: gov-info-disclosure-annual-report/2019\nagency: A\nyear: 2020\n",
            Code.DATA_BAD_FORMAT,
        ),
        ("agency: 某局\n".encode(), Code.DATA_NOT_REPORT),
        ("agency: 某局\nyear: 二〇二三\n".encode(), Code.DATA_NOT_REPORT),
        (b"\xff\xfe\x00a", Code.DATA_NOT_YAML),
    ],
)
def test_unreadable_files_raise_coded_error(tmp_path: Path, content: bytes, code: Code) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    with pytest.raises(DataFileError) as excinfo:
        load(path)
    assert excinfo.value.code is code
    assert excinfo.value.message()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as excinfo:
        load(tmp_path / "nope.yaml")
    assert excinfo.value.code is Code.DATA_UNREADABLE


BASE = "agency: 某局\nyear: 2024\n"


@pytest.mark.parametrize(
    ("body", "code", "cell"),
    [
        ("applications:\n  new: [1, 0, 0, 0, 0, 0]\n", Code.DATA_ROW_LENGTH, "applications.new"),
        ("applications:\n  new: [1, 0, 0, 0, 0, 0, x]\n", Code.DATA_BAD_VALUE, "applications.new"),
        (
            "applications:\n  new: [1, 0, 0, 0, 0, 0, -1]\n",
            Code.DATA_BAD_VALUE,
            "applications.new",
        ),
        (
            "applications:\n  news: [1, 0, 0, 0, 0, 0, 1]\n",
            Code.DATA_UNKNOWN_KEY,
            "applications.news",
        ),
        (
            "review_litigation:\n  review: [0, 0, 0, 0]\n",
            Code.DATA_ROW_LENGTH,
            "review_litigation.review",
        ),
        ("active:\n  licensing: 1.5\n", Code.DATA_BAD_VALUE, "active.licensing"),
        ("active:\n  licensing: '12'\n", Code.DATA_BAD_VALUE, "active.licensing"),
        ("active:\n  fees_wan_yuan: -0.1\n", Code.DATA_BAD_VALUE, "active.fees_wan_yuan"),
        (
            "active:\n  rules: {issued: 0, abolished: 0, in_force: 0, extra: 1}\n",
            Code.DATA_UNKNOWN_KEY,
            "active.rules.extra",
        ),
        ("active:\n  permits: 3\n", Code.DATA_UNKNOWN_KEY, "active.permits"),
        ("narrative:\n  summary: 文字\n", Code.DATA_UNKNOWN_KEY, "narrative.summary"),
    ],
)
def test_bad_values_become_findings_not_figures(body: str, code: Code, cell: str) -> None:
    report, findings = from_data(parse_text(BASE + body))
    assert [(f.code, f.cell) for f in findings] == [(code, cell)]
    assert findings[0].message()
    assert report.applications == {} or "new" not in report.applications
    assert "licensing" not in report.active
