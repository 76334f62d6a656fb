"""Every arithmetic and consistency rule of the format, each named, with a severity.

A rule is a function ``(report, previous) -> list[Finding]`` registered in :data:`RULES`.
Messages name the exact cells, the expected value and the value found. Cells that are
not answered are never taken as zero: an equation with a missing term is not checked
(completeness reports the gap instead).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.checks.prose import prose_findings
from bot.format.catalogue import Code, message
from bot.format.figures import LARGE_COUNT
from bot.format.findings import Finding, Severity
from bot.format.model import Grid, ReportModel, model
from bot.format.report import NARRATIVE_KEYS, Report

Rule = Callable[[Report, Report | None, ReportModel], list[Finding]]
FEE_WORDS = ("信息处理费",)
APPS = "applications"
REVIEW = "review_litigation"


def addr(part: str, row: str, col: int) -> str:
    """Stable address of a table cell, e.g. ``applications.total[0]``."""
    return f"{part}.{row}[{col}]"


def _terms(grid: Grid, values: Sequence[int], cols: range) -> str:
    return "＋".join(f"{grid.columns[c].label} {values[c]}" for c in cols)


def row_totals(report: Report, _prev: Report | None, m: ReportModel) -> list[Finding]:
    """Table 三 every row, table 四 every group: the total column equals the sum of the rest."""
    findings = []
    for grid, rule, code in (
        (m.applications, "table3.row_total", Code.CHK_ROW_TOTAL),
        (m.review_litigation, "table4.group_total", Code.CHK_REVIEW_TOTAL),
    ):
        last = grid.width - 1
        for key, values in report.grid(grid).items():
            expected = sum(values[:last])
            if expected != values[last]:
                findings.append(
                    Finding(
                        rule,
                        code,
                        Severity.ERROR,
                        grid.part,
                        addr(grid.part, key, last),
                        {
                            "cell": grid.cell_ref(key, last),
                            "expected": expected,
                            "found": values[last],
                            "terms": _terms(grid, values, range(last)),
                        },
                        tuple(addr(grid.part, key, c) for c in range(grid.width)),
                    )
                )
    return findings


def column_identity(report: Report, _prev: Report | None, m: ReportModel) -> list[Finding]:
    """Table 三, each of the 7 columns: 一＋二＝三（七）＋四."""
    rows, grid = report.applications, m.applications
    needed = ("new", "carried_over", "total", "carry_forward")
    if any(k not in rows for k in needed):
        return []
    findings = []
    for c in range(grid.width):
        new, co, total, cf = (rows[k][c] for k in needed)
        if new + co != total + cf:
            findings.append(
                Finding(
                    "table3.column_identity",
                    Code.CHK_COLUMN_IDENTITY,
                    Severity.ERROR,
                    APPS,
                    addr(APPS, "total", c),
                    {
                        "cell": grid.cell_ref("total", c),
                        "expected": new + co - cf,
                        "found": total,
                        "column": grid.columns[c].label,
                        "new": new,
                        "carried_over": co,
                        "total": total,
                        "carry_forward": cf,
                    },
                    tuple(addr(APPS, k, c) for k in needed),
                )
            )
    return findings


def disposition_total(report: Report, _prev: Report | None, m: ReportModel) -> list[Finding]:
    """Table 三: （七）总计 equals the sum of the 21 disposition rows, per column."""
    rows, grid = report.applications, m.applications
    keys = [r.key for r in grid.dispositions]
    if "total" not in rows or any(k not in rows for k in keys):
        return []
    findings = []
    for c in range(grid.width):
        expected = sum(rows[k][c] for k in keys)
        if expected != rows["total"][c]:
            nonzero = [f"{grid.row(k).ref} {rows[k][c]}" for k in keys if rows[k][c]]
            findings.append(
                Finding(
                    "table3.disposition_total",
                    Code.CHK_DISPOSITION_TOTAL,
                    Severity.ERROR,
                    APPS,
                    addr(APPS, "total", c),
                    {
                        "cell": grid.cell_ref("total", c),
                        "expected": expected,
                        "found": rows["total"][c],
                        "terms": "＋".join(nonzero) or message(Code.CHK_ALL_ZERO),
                    },
                    tuple(addr(APPS, k, c) for k in [*keys, "total"]),
                )
            )
    return findings


def rules_level(report: Report, _prev: Report | None, m: ReportModel) -> list[Finding]:
    """Table 二: an agency whose level cannot make 规章 reports 0 规章."""
    level_key = report.agency_level
    if level_key is None or level_key not in {lv.key for lv in m.levels}:
        return []
    level = m.level(level_key)
    if level.may_make_rules:
        return []
    findings = []
    for cell in m.active_cells:
        value = report.active.get(cell.path)
        if cell.path.startswith("rules.") and value:
            findings.append(
                Finding(
                    "table2.rules_level",
                    Code.CHK_RULES_LEVEL,
                    Severity.ERROR,
                    "active",
                    f"active.{cell.path}",
                    {"cell": cell.ref, "found": value, "level": level.label},
                )
            )
    return findings


def in_force_trend(report: Report, prev: Report | None, m: ReportModel) -> list[Finding]:
    """Table 二 against last year: 现行有效 = last year's 现行有效 ＋ 制发 － 废止 (warning)."""
    if prev is None:
        return []
    findings = []
    for row in ("rules", "normative_docs"):
        paths = [f"{row}.{k}" for k in ("issued", "abolished", "in_force")]
        if any(p not in report.active for p in paths) or f"{row}.in_force" not in prev.active:
            continue
        issued, abolished, in_force = (int(report.active[p]) for p in paths)
        last = int(prev.active[f"{row}.in_force"])
        if last + issued - abolished != in_force:
            cell = next(c for c in m.active_cells if c.path == f"{row}.in_force")
            findings.append(
                Finding(
                    "table2.in_force_trend",
                    Code.CHK_IN_FORCE_TREND,
                    Severity.WARNING,
                    "active",
                    f"active.{row}.in_force",
                    {
                        "cell": cell.ref,
                        "expected": last + issued - abolished,
                        "found": in_force,
                        "last_in_force": last,
                        "issued": issued,
                        "abolished": abolished,
                    },
                )
            )
    return findings


def carried_over(report: Report, prev: Report | None, m: ReportModel) -> list[Finding]:
    """This year's 二、上年结转 equals last year's 四、结转下年度继续办理, per column."""
    if prev is None or "carried_over" not in report.applications:
        return []
    last = prev.applications.get("carry_forward")
    if last is None:
        return []
    grid = m.applications
    return [
        Finding(
            "table3.carried_over",
            Code.CHK_CARRIED_OVER,
            Severity.WARNING,
            APPS,
            addr(APPS, "carried_over", c),
            {"cell": grid.cell_ref("carried_over", c), "expected": last[c], "found": found},
        )
        for c, found in enumerate(report.applications["carried_over"])
        if found != last[c]
    ]


def large_figures(report: Report, _prev: Report | None, m: ReportModel) -> list[Finding]:
    """A count above what agencies of the report's level report (its ``large_count``;
    :data:`~bot.format.figures.LARGE_COUNT` when the level is not known): a warning to
    confirm, as a digit typed twice or a figure in 元 would give."""
    level_key = report.agency_level
    known = level_key is not None and level_key in {lv.key for lv in m.levels}
    level = m.level(level_key) if known and level_key else None
    limit = level.large_count if level else LARGE_COUNT
    label = level.label if level else ""
    # names are made only for the few cells over the limit: this runs on every answer
    cells: list[tuple[str, str, str, int]] = [
        ("active", f"active.{c.path}", c.ref, int(found))
        for c in m.active_cells
        if not c.money and (found := report.active.get(c.path, 0)) > limit
    ]
    for grid in (m.applications, m.review_litigation):
        for key, values in report.grid(grid).items():
            cells += [
                (grid.part, addr(grid.part, key, c), grid.cell_ref(key, c), v)
                for c, v in enumerate(values)
                if v > limit
            ]
    return [
        Finding(
            "figures.large",
            Code.CHK_LARGE_FIGURE,
            Severity.WARNING,
            part,
            address,
            {"cell": ref, "found": f"{found:,}", "level": label, "limit": f"{limit:,}"},
        )
        for part, address, ref, found in cells
    ]


def completeness(report: Report, _prev: Report | None, m: ReportModel) -> list[Finding]:
    """Every cell answered (missing is not zero) and all six parts present."""
    findings = []
    if not report.active:
        findings.append(
            Finding(
                "complete.table",
                Code.CHK_MISSING_TABLE,
                Severity.ERROR,
                "active",
                "active",
                {"part": m.part("active").title},
            )
        )
    else:
        findings += [
            Finding(
                "complete.cell",
                Code.CHK_MISSING_CELL,
                Severity.ERROR,
                "active",
                f"active.{cell.path}",
                {"cell": cell.ref},
            )
            for cell in m.active_cells
            if cell.path not in report.active
        ]
    for grid in (m.applications, m.review_litigation):
        rows = report.grid(grid)
        if not rows:
            findings.append(
                Finding(
                    "complete.table",
                    Code.CHK_MISSING_TABLE,
                    Severity.ERROR,
                    grid.part,
                    grid.part,
                    {"part": m.part(grid.part).title},
                )
            )
            continue
        findings += [
            Finding(
                "complete.cell",
                Code.CHK_MISSING_CELL,
                Severity.ERROR,
                grid.part,
                f"{grid.part}.{row.key}",
                {"cell": row.ref},
            )
            for row in grid.rows
            if row.key not in rows
        ]
    findings += [
        Finding(
            "complete.part",
            Code.CHK_MISSING_PART,
            Severity.ERROR,
            key,
            f"narrative.{key}",
            {"part": m.part(key).title},
        )
        for key in NARRATIVE_KEYS
        if not report.narrative.get(key, "").strip()
    ]
    return findings


def fee_statement(report: Report, _prev: Report | None, _m: ReportModel) -> list[Finding]:
    """Part 六 states whether 信息处理费 were collected."""
    text = report.narrative.get("other_matters", "")
    if not text.strip() or any(word in text for word in FEE_WORDS):
        return []
    return [
        Finding(
            "part6.fee_statement",
            Code.CHK_FEE_STATEMENT,
            Severity.WARNING,
            "other_matters",
            "narrative.other_matters",
        )
    ]


def prose_against_tables(report: Report, _prev: Report | None, m: ReportModel) -> list[Finding]:
    """Figures stated in the prose agree with the tables."""
    return prose_findings(report, m)


# the arithmetic within a report's tables (a file's figures, a sum, must satisfy them)
IDENTITIES: tuple[Rule, ...] = (row_totals, column_identity, disposition_total)
# the figures that must follow from last year's report
CROSS_YEAR: tuple[Rule, ...] = (in_force_trend, carried_over)
RULES: tuple[Rule, ...] = (
    completeness,
    row_totals,
    column_identity,
    disposition_total,
    rules_level,
    in_force_trend,
    carried_over,
    large_figures,
    prose_against_tables,
    fee_statement,
)


def suspect_cells(findings: list[Finding], report: Report, m: ReportModel) -> list[Finding]:
    """Name the one cell of table 三 whose correction mends a broken row and column at once.

    A wrong figure in the body of table 三 breaks its row total and one column equation
    (the identity or the disposition sum). Where exactly one row and one column are broken,
    the crossing is the suspect if the value that mends the row also mends the column.
    """
    grid, rows = m.applications, report.applications
    broken_rows = {
        f.cell.split("[")[0].split(".")[1] for f in findings if f.rule == "table3.row_total"
    }
    broken_cols = {
        int(f.cell.split("[")[1].rstrip("]"))
        for f in findings
        if f.rule in ("table3.column_identity", "table3.disposition_total")
    }
    if len(broken_rows) != 1 or len(broken_cols) != 1:
        return []
    row_key, col = broken_rows.pop(), broken_cols.pop()
    values, last = rows[row_key], grid.width - 1
    others = sum(v for c, v in enumerate(values[:last]) if c != col)
    mended = sum(values[:last]) if col == last else values[last] - others
    if mended < 0:
        return []
    patched = Report(
        report.agency,
        report.year,
        applications={**rows, row_key: [*values[:col], mended, *values[col + 1 :]]},
    )
    if any(rule(patched, None, m) for rule in (row_totals, column_identity, disposition_total)):
        return []
    target = addr(APPS, row_key, col)
    return [
        Finding(
            "table3.suspect_cell",
            Code.CHK_SUSPECT_CELL,
            Severity.ERROR,
            APPS,
            target,
            {"cell": grid.cell_ref(row_key, col), "found": values[col], "expected": mended},
            (target,),
        )
    ]


def check(
    report: Report, previous: Report | None = None, m: ReportModel | None = None
) -> list[Finding]:
    """Run every rule; findings in the order of the report's parts."""
    m = m or model()
    findings = [f for rule in RULES for f in rule(report, previous, m)]
    return by_part(suspect_cells(findings, report, m) + findings, m)


def by_part(findings: list[Finding], m: ReportModel) -> list[Finding]:
    """Findings in the order of the report's parts (stable within a part)."""
    order = {p.key: i for i, p in enumerate(m.parts)}
    return sorted(findings, key=lambda f: order.get(f.part, len(order)))
