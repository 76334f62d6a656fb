"""Fixture documents for the import tests: reports of our own, printed as real pages are.

Each table is laid out once, as rows of cells with their row and column spans, in the
official layout (spec §4-§6; the 2019 trial layout on request). From that one layout come
the renderings the importer meets: the text a browser gives when a page is copied (one
cell per line), tab- or ``|``-separated rows, an HTML page, a Word file. :class:`Style`
adds the quirks of real pages. The prose is ours (``tests/helpers/factories.py``).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

import pytest
from docx import Document as new_docx
from openpyxl import Workbook

from bot.format.datafile import Figure, Report
from bot.format.model import model
from bot.frontends.cli import main
from bot.importing.importer import ImportResult
from tests.helpers.factories import consistent_report

Cell = tuple[str, int, int]  # text, rowspan, colspan
Row = list[Cell]
HALF_WIDTH = str.maketrans("（）：，、", "():,,")
SPLITS = {  # labels broken over two lines, as narrow table columns print them
    "商业企业": "商业\n企业",
    "科研机构": "科研\n机构",
    "结果纠正": "结果\n纠正",
    "尚未审结": "尚未\n审结",
    "1.本机关不掌握相关政府信息": "1.本机关不掌握相关\n政府信息",
    "2.没有现成信息需要另行制作": "2.没有现成信息需要另\n行制作",
    "行政规范性文件": "行政规范\n性文件",
}
CHROME_TOP = ["【字体：大 中 小】【打印本页】【关闭窗口】"]
CHROME_BOTTOM = ["扫一扫在手机上打开当前页面", "主办单位：示例市人民政府办公室"]


@dataclass(frozen=True)
class Style:
    """How a report is printed.

    zero: how 0 is printed ("0", "", "/", "-", "—"); split: labels broken over two lines;
    half_width: half-width brackets and punctuation in labels; pad: appended to figures
    (trailing spaces); omit: cells not printed at all (``applications.granted[2]``,
    ``active.rules.issued``); format_2019: the 2019 trial layout of tables 二 and 三.
    """

    zero: str = "0"
    split: bool = False
    half_width: bool = False
    pad: str = ""
    omit: frozenset[str] = field(default_factory=frozenset)
    format_2019: bool = False

    def figure(self, value: Figure | None, address: str) -> str | None:
        """A figure as printed, or None when the cell is omitted."""
        if address in self.omit or value is None:
            return None
        if value == 0:
            return self.zero
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        return text + self.pad

    def label(self, text: str) -> str:
        """A label as printed."""
        text = SPLITS.get(text, text) if self.split else text
        return text.translate(HALF_WIDTH) if self.half_width else text


def cells(report: Report) -> dict[str, Figure]:
    """Every figure of tables 二, 三 and 四 by the cell's name in messages."""
    m = model()
    out: dict[str, Figure] = {
        c.ref: report.active[c.path] for c in m.active_cells if c.path in report.active
    }
    for grid in (m.applications, m.review_litigation):
        for key, values in report.grid(grid).items():
            out.update({grid.cell_ref(key, c): v for c, v in enumerate(values)})
    return out


def distinct_report() -> Report:
    """A consistent report in which almost every figure differs from every other."""
    report = consistent_report(agency="示例市示例县市场监督管理局", year=2023)
    m = model()
    rows = {}
    dispositions = [r.key for r in m.applications.dispositions]
    for n, key in enumerate(dispositions):
        rows[key] = [1 + 6 * n + c for c in range(6)]
    total = [sum(rows[k][c] for k in dispositions) for c in range(6)]
    carried_over = [200 + c for c in range(6)]
    carry_forward = [300 + c for c in range(6)]
    rows["new"] = [t + f - o for t, f, o in zip(total, carry_forward, carried_over, strict=True)]
    rows.update(carried_over=carried_over, total=total, carry_forward=carry_forward)
    report.applications = {r.key: [*rows[r.key], sum(rows[r.key])] for r in m.applications.rows}
    report.review_litigation = {
        "review": [2, 3, 5, 7, 17],
        "litigation_direct": [11, 13, 19, 23, 66],
        "litigation_after_review": [29, 31, 37, 41, 138],
    }
    report.active = {
        "rules.issued": 4,
        "rules.abolished": 1,
        "rules.in_force": 33,
        "normative_docs.issued": 6,
        "normative_docs.abolished": 2,
        "normative_docs.in_force": 45,
        "licensing": 1204,
        "punishment": 356,
        "enforcement": 57,
        "fees_wan_yuan": Decimal("12.3456"),
    }
    report.extra = {}
    return report


# --- the three tables as rows of cells -------------------------------------------------


def active_rows(report: Report, style: Style) -> list[Row]:
    """Table 二 (spec §4), in the 2021 or the 2019 layout."""
    if style.format_2019:
        return _active_rows_2019(report, style)
    out: list[Row] = []
    for group in model().active:
        width = len(group.header) - 1
        out.append([(group.article, 1, 4)])
        out.append(
            [(style.label(group.header[0]), 1, 1)]
            + [(style.label(h), 1, 1 if width > 1 else 3) for h in group.header[1:]]
        )
        for row_label in group.row_labels:
            row: Row = [(style.label(row_label), 1, 1)]
            for cell in (c for c in group.cells if c.row_label == row_label):
                text = style.figure(report.active.get(cell.path), f"active.{cell.path}")
                if text is not None:
                    row.append((text, 1, 1 if width > 1 else 3))
            out.append(row)
    return out


def _active_rows_2019(report: Report, style: Style) -> list[Row]:
    a = report.active
    groups = [
        (
            "第二十条第（一）项",
            ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
            [("规章", ["0", "0", "0"]), ("规范性文件", ["3", "2", "41"])],
        ),
        (
            "第二十条第（五）项",
            ["上一年项目数量", "本年增/减", "处理决定数量"],
            [
                ("行政许可", ["15", "+2", str(a["licensing"])]),
                ("其他对外管理服务事项", ["8", "0", "40"]),
            ],
        ),
        (
            "第二十条第（六）项",
            ["上一年项目数量", "本年增/减", "处理决定数量"],
            [
                ("行政处罚", ["4", "-1", str(a["punishment"])]),
                ("行政强制", ["2", "0", str(a["enforcement"])]),
            ],
        ),
        ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("行政事业性收费", ["3", "0"])]),
        (
            "第二十条第（九）项",
            ["采购项目数量", "采购总金额"],
            [("政府集中采购", ["12", "356.7"])],
        ),
    ]
    out: list[Row] = []
    for article, header, rows in groups:
        span = 4 - len(header)  # the last column fills the table's five columns
        out.append(
            [(article, len(rows) + 1, 1), ("信息内容", 1, 1)]
            + [(h, 1, 1) for h in header[:-1]]
            + [(header[-1], 1, span)]
        )
        out += [
            [(style.label(label), 1, 1)]
            + [(v, 1, 1) for v in values[:-1]]
            + [(values[-1], 1, span)]
            for label, values in rows
        ]
    return out


def _figures(values: list[int] | None, address: str, style: Style) -> Row:
    out: Row = []
    for c, value in enumerate(values or []):
        text = style.figure(value, f"{address}[{c}]")
        if text is not None:
            out.append((text, 1, 1))
    return out


def applications_rows(report: Report, style: Style) -> list[Row]:
    """Table 三 (spec §5): the note over three header rows, grouped result rows."""
    grid = model().applications
    rows = dict(report.applications)
    out: list[Row] = [
        [(grid.note, 3, 3), (grid.applicant_header, 1, 7)],
        [("自然人", 2, 1), (grid.legal_person_header, 1, 5), ("总计", 2, 1)],
        [(style.label(c.label), 1, 1) for c in grid.columns if c.legal_person],
    ]
    keys = [r.key for r in grid.rows]
    if style.format_2019:  # （六）其他处理 is one row
        others = ("other_no_correction", "other_no_fee", "other")
        rows["other_2019"] = [sum(rows[k][c] for k in others) for c in range(grid.width)]
        keys = [k for k in keys if k not in others]
        keys.insert(keys.index("total"), "other_2019")
    results = [k for k in keys if k not in ("new", "carried_over", "carry_forward")]
    seen_groups: set[str] = set()
    for key in keys:
        row_model = grid.row("other") if key == "other_2019" else grid.row(key)
        label = "（六）其他处理" if key == "other_2019" else row_model.label
        cells: Row = []
        if key == results[0]:
            cells.append((grid.results_header, len(results), 1))
        if key not in results:
            cells.append((style.label(label), 1, 3))
        elif row_model.group and key != "other_2019":
            if row_model.group not in seen_groups:
                seen_groups.add(row_model.group)
                size = sum(
                    1 for k in keys if k != "other_2019" and grid.row(k).group == row_model.group
                )
                cells.append((style.label(row_model.group), size, 1))
            cells.append((style.label(label), 1, 1))
        else:
            cells.append((style.label(label), 1, 2))
        out.append(cells + _figures(rows.get(key), f"applications.{key}", style))
    return out


def review_rows(report: Report, style: Style) -> list[Row]:
    """Table 四 (spec §6): 行政复议 and 行政诉讼 (two groups) over one row of 15 figures."""
    grid = model().review_litigation
    labels = [style.label(c.label) for c in grid.columns]
    figures: Row = []
    for row in grid.rows:
        figures += _figures(
            report.review_litigation.get(row.key), f"review_litigation.{row.key}", style
        )
    return [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [(label, 2, 1) for label in labels] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(label, 1, 1) for label in labels * 2],
        figures,
    ]


def tables(report: Report, style: Style) -> dict[str, list[Row]]:
    """The three tables by part key."""
    return {
        "active": active_rows(report, style),
        "applications": applications_rows(report, style),
        "review_litigation": review_rows(report, style),
    }


# --- documents ---------------------------------------------------------------------------


def title(report: Report) -> str:
    """The report's title."""
    return f"{report.agency}{report.year}年政府信息公开工作年度报告"


def blocks(report: Report, style: Style) -> list[str | list[Row]]:
    """The document as paragraphs and tables, in order (chrome lines of the page included)."""
    out: list[str | list[Row]] = [title(report), *CHROME_TOP]
    out.append(f"本报告依据政府信息公开条例编制，统计期限为{report.year}年1月1日至12月31日。")
    table_of = tables(report, style)
    for part in model().parts:
        out.append(part.title)
        if part.key in table_of:
            out.append(table_of[part.key])
        else:
            out += report.narrative.get(part.key, "").splitlines()
    return out + CHROME_BOTTOM


def web_text(report: Report, style: Style = Style(), blank_lines: bool = True) -> str:
    """What a browser gives when the page is copied: every cell on a line of its own."""
    lines: list[str] = []
    for block in blocks(report, style):
        if isinstance(block, str):
            lines.append(block)
        else:
            lines += [text for row in block for text, _, _ in row]
    return ("\n\n" if blank_lines else "\n").join(lines) + "\n"


def delimited_text(report: Report, style: Style = Style(), sep: str = "\t") -> str:
    """Table rows as one line each, cells separated by ``sep`` (tab, or ``|`` in a grid)."""
    lines: list[str] = []
    for block in blocks(report, style):
        if isinstance(block, str):
            lines.append(block)
        else:
            for row in block:
                cells = [text.replace("\n", "") for text, _, _ in row]
                lines.append(f"| {' | '.join(cells)} |" if sep == "|" else sep.join(cells))
    return "\n".join(lines) + "\n"


def table_html(rows: list[Row]) -> str:
    """A table as Word-exported pages write it: spans, <p><span> in cells, <br/> breaks."""
    trs = []
    for row in rows:
        tds = "".join(
            f"<td rowspan='{r}' colspan='{c}'><p><span>"
            f"{html.escape(text).replace(chr(10), '<br/>')}</span></p></td>"
            for text, r, c in row
        )
        trs.append(f"<tr>{tds}</tr>")
    return "<table border='1' cellspacing='0'><tbody>" + "".join(trs) + "</tbody></table>"


def html_page(
    report: Report, style: Style = Style(), *, layout_table: bool = False, charset: str = "utf-8"
) -> bytes:
    """The report as an agency website page: <p> paragraphs, tables with spans."""
    body: list[str] = []
    for block in blocks(report, style):
        if isinstance(block, str):
            body.append(f"<p style='text-indent:2em'>&nbsp;{html.escape(block)}</p>")
            continue
        body.append(table_html(block))
    content = "\n".join(body)
    if layout_table:  # old sites put the whole article in a layout table
        content = f"<table width='100%'><tr><td class='article'>{content}</td></tr></table>"
    page = (
        f"<html><head><meta http-equiv='Content-Type' content='text/html; charset={charset}'>"
        f"<title>{html.escape(title(report))}_示例市人民政府</title>"
        "<script>var nav = '<table><tr><td>9</td></tr></table>';</script>"
        "<style>td { border: 1px solid }</style></head><body>"
        "<div class='nav'>首页 &gt; 政府信息公开 &gt; 年度报告</div>"
        f"<div class='content'>{content}</div></body></html>"
    )
    return page.encode(charset)


def docx_bytes(report: Report, style: Style = Style()) -> bytes:
    """The report as a Word file: paragraphs, and tables with merged cells."""
    doc = new_docx()
    for block in blocks(report, style):
        if isinstance(block, str):
            doc.add_paragraph(block)
            continue
        n_cols = max(sum(c for _, _, c in row) for row in block)
        table = doc.add_table(rows=len(block), cols=n_cols)
        grid = [table.rows[r].cells for r in range(len(block))]  # table.cell() is slow
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(block):
            col = 0
            for text, rowspan, colspan in row:
                while (r, col) in taken:
                    col += 1
                cell = grid[r][col]
                if rowspan > 1 or colspan > 1:
                    cell = cell.merge(grid[r + rowspan - 1][col + colspan - 1])
                first, *rest = text.split("\n")
                cell.paragraphs[0].text = first
                for piece in rest:  # a label broken over two lines: two paragraphs
                    cell.add_paragraph(piece)
                taken |= {(r + i, col + j) for i in range(rowspan) for j in range(colspan)}
                col += colspan
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def relaid_xlsx(report: Report, style: Style = Style(zero="0")) -> bytes:
    """The three tables on one sheet, moved down and right, an empty column in between:
    a re-layout that reading cells by their labels must survive."""
    wb = Workbook()
    ws = wb.active
    ws.title = "报表"
    ws.cell(1, 1, title(report))
    row = 3
    for part, rows in tables(report, style).items():
        ws.cell(row, 2, model().part(part).title)
        row += 1
        taken: set[tuple[int, int]] = set()
        for r, cells in enumerate(rows):
            col = 0
            for text, rowspan, colspan in cells:
                while (r, col) in taken:
                    col += 1
                number = text.strip()
                value: object = int(number) if number.isdigit() else text.replace("\n", "")
                ws.cell(row + r, 3 + col, value)
                if rowspan > 1 or colspan > 1:
                    ws.merge_cells(
                        start_row=row + r,
                        start_column=3 + col,
                        end_row=row + r + rowspan - 1,
                        end_column=3 + col + colspan - 1,
                    )
                taken |= {(r + i, col + j) for i in range(rowspan) for j in range(colspan)}
                col += colspan
        row += len(rows) + 2
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``reportbot import``/``aggregate``: the exit status, stdout and stderr."""
    status = main(argv)
    out = capsys.readouterr()
    return int(status), out.out, out.err


# --- a table as officers paste it in the chat ----------------------------------------------


def one_cell_per_line(rows: list[Row]) -> str:
    return "\n".join(text for row in rows for text, _, _ in row)


def tabs(rows: list[Row]) -> str:
    return "\n".join("\t".join(text for text, _, _ in row) for row in rows)


def pipes(rows: list[Row]) -> str:
    return "\n".join("| " + " | ".join(text for text, _, _ in row) + " |" for row in rows)


LAYOUTS: dict[str, Callable[[list[Row]], str]] = {
    "web page": one_cell_per_line,
    "excel": tabs,
    "pipes": pipes,
}


# --- what an import must give -------------------------------------------------------


def assert_faithful(result: ImportResult, source: Report) -> None:
    """Every imported figure is the source's; every other cell is listed as missing."""
    got, want = cells(result.report), cells(source)
    assert {ref: want[ref] for ref in got} == got, "a figure was invented"
    assert set(result.missing) == set(want) - set(got)
    assert len(result.missing) == len(set(result.missing))


def assert_same_tables(result: ImportResult, source: Report) -> None:
    report = result.report
    assert (report.agency, report.year) == (source.agency, source.year)
    assert report.active == source.active
    assert report.applications == source.applications
    assert report.review_litigation == source.review_litigation
    assert result.missing == []
