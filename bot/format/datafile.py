"""The report data file (``../shared/spec/report-data.md``): load, validate, dump.

Loading never invents a figure: a value of the wrong type, a row of the wrong length or
an unknown key becomes a finding and the cell stays unanswered. A file that cannot be
read or is not a report raises :class:`DataFileError`. Money is ``Decimal`` from the
file's text to the dump, never a float. Keys this module does not know at the top level
are kept and written back unchanged, so load → dump loses nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from bot.format.catalogue import Code, UserError
from bot.format.findings import Finding, Severity
from bot.format.model import FORMAT_ID, Grid, ReportModel, model
from bot.format.report import FIRST_YEAR, LAST_YEAR, NARRATIVE_KEYS, TABLE_KEYS, Figure, Report

KNOWN_KEYS = ("format", "agency", "year", *TABLE_KEYS, "narrative")


class DataFileError(UserError):
    """The file cannot be read or is not a report data file at all."""


# --- reading -------------------------------------------------------------------------


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader that reads YAML floats as exact Decimals."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def parse_text(text: str, source: str = "<text>") -> Any:
    """Parse YAML or JSON text; floats become Decimal."""
    if not text.strip():
        raise DataFileError(Code.DATA_EMPTY, path=source)
    try:
        if text.lstrip().startswith("{"):
            return json.loads(text, parse_float=Decimal)
        return yaml.load(text, Loader=_DecimalLoader)
    except (yaml.YAMLError, json.JSONDecodeError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataFileError(Code.DATA_NOT_YAML, path=source, reason=reason) from exc


def read_file(path: Path) -> Any:
    """Read and parse a data file, raising DataFileError for every failure."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(
            Code.DATA_UNREADABLE, path=str(path), reason=exc.strerror or str(exc)
        ) from exc
    if b"\x00" in raw:
        raise DataFileError(Code.DATA_NOT_YAML, path=str(path), reason="二进制文件")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(Code.DATA_NOT_YAML, path=str(path), reason="不是 UTF-8 文本") from exc
    return parse_text(text, str(path))


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _bad(cell: str, ref: str, value: Any, expected: str, part: str) -> Finding:
    return Finding(
        "data.value",
        Code.DATA_BAD_VALUE,
        Severity.ERROR,
        part,
        cell,
        {"cell": ref, "value": value, "expected": expected},
    )


def _unknown(key: str, where: str, allowed: list[str], part: str) -> Finding:
    return Finding(
        "data.unknown_key",
        Code.DATA_UNKNOWN_KEY,
        Severity.ERROR,
        part,
        f"{where}.{key}",
        {"key": key, "where": where, "allowed": "、".join(allowed)},
    )


def _read_active(data: Any, m: ReportModel, out: dict[str, Figure]) -> list[Finding]:
    findings: list[Finding] = []
    if not isinstance(data, dict):
        return [_bad("active", "二、主动公开政府信息情况", data, "一组数据", "active")]
    rows = {cell.path.split(".")[0] for cell in m.active_cells}
    for key in data:
        if key not in rows:
            findings.append(_unknown(str(key), "active", sorted(rows), "active"))
    for cell in m.active_cells:
        head, _, tail = cell.path.partition(".")
        value = data.get(head)
        if tail:
            if value is None:
                continue
            if not isinstance(value, dict):
                findings.append(
                    _bad(f"active.{head}", cell.row_label, value, "一组数据", "active")
                )
                continue
            allowed = [
                c.path.split(".")[1] for c in m.active_cells if c.path.startswith(head + ".")
            ]
            for sub in value:
                if sub not in allowed and tail == allowed[0]:
                    findings.append(_unknown(str(sub), f"active.{head}", allowed, "active"))
            value = value.get(tail)
        if value is None:
            continue
        if cell.money:
            if _is_count(value) or (
                isinstance(value, Decimal) and value.is_finite() and value >= 0
            ):
                out[cell.path] = Decimal(value)
            else:
                findings.append(
                    _bad(
                        f"active.{cell.path}", cell.ref, value, "不小于 0 的金额（万元）", "active"
                    )
                )
        elif _is_count(value):
            out[cell.path] = value
        else:
            findings.append(
                _bad(f"active.{cell.path}", cell.ref, value, "不小于 0 的整数", "active")
            )
    return findings


def _read_grid(data: Any, grid: Grid, out: dict[str, list[int]]) -> list[Finding]:
    part = grid.part
    if not isinstance(data, dict):
        return [_bad(part, part, data, "一组数据", part)]
    findings: list[Finding] = []
    keys = [r.key for r in grid.rows]
    for key, value in data.items():
        if key not in keys:
            findings.append(_unknown(str(key), part, keys, part))
            continue
        ref = grid.row(key).ref
        if value is None:
            continue
        if not isinstance(value, list):
            findings.append(_bad(f"{part}.{key}", ref, value, f"{grid.width} 个整数的列表", part))
        elif len(value) != grid.width:
            findings.append(
                Finding(
                    "data.row_length",
                    Code.DATA_ROW_LENGTH,
                    Severity.ERROR,
                    part,
                    f"{part}.{key}",
                    {"row": ref, "expected": grid.width, "found": len(value)},
                )
            )
        elif not all(_is_count(v) for v in value):
            bad = next(v for v in value if not _is_count(v))
            findings.append(_bad(f"{part}.{key}", ref, bad, "不小于 0 的整数", part))
        else:
            out[key] = list(value)
    return findings


def from_data(
    data: Any, source: str = "<data>", m: ReportModel | None = None
) -> tuple[Report, list[Finding]]:
    """Build a Report from parsed data; problems with single values become findings."""
    m = m or model()
    if data is None:
        raise DataFileError(Code.DATA_EMPTY, path=source)
    if not isinstance(data, dict):
        raise DataFileError(Code.DATA_NOT_REPORT, path=source, reason="顶层应为键值对")
    fmt = data.get("format")
    if fmt is not None and fmt != FORMAT_ID:
        raise DataFileError(Code.DATA_BAD_FORMAT, path=source, found=fmt, expected=FORMAT_ID)
    agency, year = data.get("agency"), data.get("year")
    if not isinstance(agency, str) or not agency.strip():
        raise DataFileError(Code.DATA_NOT_REPORT, path=source, reason="缺少机关名称（agency）")
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise DataFileError(Code.DATA_NOT_REPORT, path=source, reason="缺少或无效的年度（year）")
    report = Report(agency=agency.strip(), year=year)
    findings: list[Finding] = []
    if "active" in data:
        findings += _read_active(data["active"], m, report.active)
    if "applications" in data:
        findings += _read_grid(data["applications"], m.applications, report.applications)
    if "review_litigation" in data:
        findings += _read_grid(
            data["review_litigation"], m.review_litigation, report.review_litigation
        )
    narrative = data.get("narrative") or {}
    if isinstance(narrative, dict):
        for key, value in narrative.items():
            if key not in NARRATIVE_KEYS:
                findings.append(_unknown(str(key), "narrative", list(NARRATIVE_KEYS), "overview"))
            elif isinstance(value, str):
                report.narrative[key] = value
            elif value is not None:
                findings.append(_bad(f"narrative.{key}", str(key), value, "文字", "overview"))
    report.extra = {k: v for k, v in data.items() if k not in KNOWN_KEYS}
    return report, findings


def load(path: Path) -> tuple[Report, list[Finding]]:
    """Load a report data file (YAML or JSON)."""
    return from_data(read_file(path), str(path))


# --- writing -------------------------------------------------------------------------


def to_data(report: Report, m: ReportModel | None = None) -> dict[str, Any]:
    """The report as plain data in the key order of the spec; unanswered cells omitted."""
    m = m or model()
    data: dict[str, Any] = {"format": FORMAT_ID, "agency": report.agency, "year": report.year}
    active: dict[str, Any] = {}
    for cell in m.active_cells:
        if cell.path not in report.active:
            continue
        head, _, tail = cell.path.partition(".")
        if tail:
            active.setdefault(head, {})[tail] = report.active[cell.path]
        else:
            active[head] = report.active[cell.path]
    if active:
        data["active"] = active
    for grid in (m.applications, m.review_litigation):
        rows = report.grid(grid)
        if rows:
            data[grid.part] = {r.key: list(rows[r.key]) for r in grid.rows if r.key in rows}
    if report.narrative:
        data["narrative"] = {
            k: report.narrative[k] for k in NARRATIVE_KEYS if k in report.narrative
        }
    data.update(report.extra)
    return data


class _Dumper(yaml.SafeDumper):
    """Dumper: rows of numbers in flow style, Decimals exact, multi-line text as blocks."""


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    flow = all(isinstance(v, int | Decimal) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, value: dict[Any, Any]) -> yaml.Node:
    flow = bool(value) and all(isinstance(v, int | Decimal) for v in value.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow)


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value.normalize(), "f"))


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # PyYAML falls back to a quoted style by itself when a literal block cannot hold the text.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_str)


def dumps(report: Report, fmt: str = "yaml") -> str:
    """Serialise the report as YAML (default) or JSON."""
    data = to_data(report)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


def save(report: Report, path: Path) -> None:
    """Write the report to ``path``; ``.json`` selects JSON, anything else YAML."""
    path.write_text(dumps(report, "json" if path.suffix == ".json" else "yaml"), encoding="utf-8")
