"""What officers type cannot harm where it is kept or shown (issue 13, hygiene): no control
or bidi characters stored or printed, export file names that stay in their folder, text
that is never a spreadsheet formula, digits other than 0-9 refused politely, and files
with secrets (the database, exports, the token file) readable by their owner only."""

from __future__ import annotations

import argparse
import io
import os
import re
import stat
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.conversation.types import Input
from bot.drafting.render import render
from bot.format.catalogue import Code, message
from bot.format.datafile import save
from bot.format.report import Report
from bot.format.text_hygiene import FILENAME_BYTES, clean_text, safe_filename
from bot.frontends.cli import main, year
from bot.frontends.settings import add_run_parser, read_token
from bot.frontends.terminal import run_chat, show
from bot.service.turns import Outgoing, Service
from bot.store.reports import Store
from tests.helpers import chat
from tests.helpers.chat import codes, fake_drafter
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.factories import consistent_report

# terminal escapes, BEL, every bidi control, CR, NUL, DEL and a C1 control
UNCLEAN = (
    "\x1b[2J\x1b]0;title\x07"
    "\u202e\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    "\r\x00\x7f\x9b"
)
LEVEL, REGION, YEAR = SEED_SESSION[1], SEED_SESSION[2], SEED_SESSION[3]


# --- the cleaning itself ------------------------------------------------------------------


def test_clean_text_drops_controls_and_bidi_but_keeps_lines_and_tabs() -> None:
    assert clean_text(f"某{UNCLEAN}局\n第二行\t表格") == "某[2J]0;title局\n第二行\t表格"
    assert clean_text("黔西南州 2023年 ¥1.5万元 😀") == "黔西南州 2023年 ¥1.5万元 😀"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..", "document"),
        ("/etc/cron.d/x.yaml", "_etc_cron.d_x.yaml"),
        ("a\\b:c*d?.docx", "a_b_c_d_.docx"),
        ("\x1b[31m某局\u202e.docx", "[31m某局.docx"),
        (".hidden.docx", "hidden.docx"),
        ("某局2023年政府信息公开工作年度报告.docx", "某局2023年政府信息公开工作年度报告.docx"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_keeps_the_extension_within_the_byte_limit() -> None:
    name = safe_filename("😀" * 60 + "2023年政府信息公开工作年度报告.docx")
    assert len(name.encode("utf-8")) <= FILENAME_BYTES
    assert name.endswith(".docx")
    assert name.startswith("😀" * 10)


# --- the terminal -------------------------------------------------------------------------


def terminal(store: Store, lines: list[str], out_dir: Path) -> str:
    """Play ``lines`` in the terminal chat; what it printed."""
    service = Service(store, drafter=fake_drafter(), today=lambda: date(2024, 12, 20))
    out, typed = io.StringIO(), io.StringIO("\n".join(lines) + "\n")
    assert run_chat(service, "cli:tester", typed, out, out_dir, False) == 0
    return out.getvalue()


@pytest.mark.parametrize("agency", ["../某局", "../../逃逸/某局", "a/b/某局", "😀" * 60])
def test_terminal_export_stays_in_the_out_folder(
    store: Store, tmp_path: Path, agency: str
) -> None:
    out_dir = tmp_path / "a" / "b" / "out"
    printed = terminal(store, [agency, LEVEL, REGION, YEAR, "导出", "docx"], out_dir)
    [written] = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written.parent == out_dir
    assert len(written.name.encode()) <= FILENAME_BYTES
    assert written.name.endswith(".docx")
    assert str(out_dir / written.name) in printed


def test_terminal_stores_no_control_or_bidi_characters(store: Store, tmp_path: Path) -> None:
    printed = terminal(store, [f"某{UNCLEAN}县农业局", LEVEL, f"贵州{UNCLEAN}省", YEAR], tmp_path)
    [report] = store.list_reports()
    assert report.agency == "某[2J]0;title县农业局"
    assert message(Code.CHAT_REPORT_CREATED, agency=report.agency, year=int(YEAR)) in printed
    assert clean_text(printed) == printed


def test_terminal_prints_no_control_characters(tmp_path: Path) -> None:
    """A message queued earlier (by another front end, or before the cleaning) may hold
    old data: it is printed without the control and bidi characters."""
    out = io.StringIO()
    show(Outgoing(f"来自{UNCLEAN}同事"), tmp_path, out)
    show(Outgoing(f"预览{UNCLEAN}", draft=True), tmp_path, out)
    show(Outgoing(f"已导出{UNCLEAN}", document=(f"x{UNCLEAN}.docx", b"x")), tmp_path, out)
    printed = out.getvalue()
    assert clean_text(printed) == printed
    assert "来自[2J]0;title同事\n" in printed


def test_terminal_export_never_writes_through_a_symbolic_link(tmp_path: Path) -> None:
    out_dir, outside = tmp_path / "out", tmp_path / "outside.docx"
    out_dir.mkdir()
    (out_dir / "x.docx").symlink_to(outside)
    out = io.StringIO()
    show(Outgoing("已导出", document=("x.docx", b"data")), out_dir, out)
    assert not outside.exists()
    failed = message(Code.IMP_WRITE_FAILED, path=str(out_dir / "x.docx"), reason="REASON")
    assert out.getvalue().startswith("已导出 " + failed.split("REASON")[0])


# --- the workbook -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "agency", ['=HYPERLINK("http://evil.example","点击")', "+1+1", "-2+3", "@SUM(A1)", "=1+1"]
)
def test_xlsx_text_is_never_a_formula(agency: str) -> None:
    report = consistent_report()
    report.agency = agency
    wb = load_workbook(BytesIO(render(report, "xlsx")))
    for ws in wb.worksheets:
        title = ws.cell(1, 1)
        assert title.data_type == "s"
        assert title.value.startswith(agency)
        assert title.quotePrefix
        formulas = [c.value for row in ws.iter_rows() for c in row if c.data_type == "f"]
        assert all(re.fullmatch(r"=SUM\([A-Z]+\d+:[A-Z]+\d+\)", f) for f in formulas)


def test_xlsx_of_old_data_with_control_characters_renders() -> None:
    report = consistent_report()
    report.agency = f"某{UNCLEAN}局"
    wb = load_workbook(BytesIO(render(report, "xlsx")))
    assert wb.worksheets[0].cell(1, 1).value.startswith("某[2J]0;title局")


# --- digits other than 0-9 ----------------------------------------------------------------


@pytest.mark.parametrize("digits", ["²", "¹", "①"])
def test_other_digits_at_the_year_prompt_are_refused_politely(store: Store, digits: str) -> None:
    svc = chat.service(store)
    out = chat.play(svc, [SEED_SESSION[0], LEVEL, REGION, f"202{digits}"])
    assert Code.CHAT_BAD_YEAR in codes(out)


def test_other_digits_at_a_choice_are_refused_politely(store: Store) -> None:
    svc = chat.service(store)
    out = chat.play(svc, [SEED_SESSION[0], "²"])  # the level, chosen by its number
    assert Code.CHAT_ASK_LEVEL in codes(out)


def test_other_digits_at_the_export_prompt_are_refused_politely(store: Store) -> None:
    svc = chat.service(store)
    out = chat.play(svc, [SEED_SESSION[0], LEVEL, REGION, YEAR, "导出", "²"])
    assert Code.CHAT_EXPORT_UNKNOWN in codes(out)


def test_other_digits_at_the_report_choice_are_refused_politely(store: Store) -> None:
    svc = chat.service(store)
    out = chat.play(svc, [SEED_SESSION[0], LEVEL, REGION, YEAR, "/report", "²"])
    assert Code.CHAT_BAD_CHOICE in codes(out)


def test_full_width_digits_are_taken(store: Store) -> None:
    svc = chat.service(store)
    out = chat.play(svc, [SEED_SESSION[0], LEVEL, REGION, "２０２３"])
    assert Code.CHAT_REPORT_CREATED in codes(out)


def test_year_argument_with_other_digits_is_an_argument_error() -> None:
    assert year("２０２３") == 2023
    with pytest.raises(argparse.ArgumentTypeError):
        year("202²")


# --- files with secrets -------------------------------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The umask of a careless shell (022: files readable by everyone)."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("open_umask")
def test_database_and_exports_are_the_owners_only(tmp_path: Path) -> None:
    report = consistent_report()
    source, db, target = tmp_path / "in.yaml", tmp_path / "r.db", tmp_path / "out.yaml"
    save(report, source)
    assert main(["load", str(source), "--db", str(db)]) == 0
    assert mode(db) == 0o600
    argv = ["export", "--agency", report.agency, "--year", str(report.year)]
    assert main([*argv, "-o", str(target), "--db", str(db)]) == 0
    assert mode(target) == 0o600
    rendered = tmp_path / "out.xlsx"
    assert main(["render", str(source), "--format", "xlsx", "-o", str(rendered)]) == 0
    assert mode(rendered) == 0o600
    assert os.umask(0o022) == 0o022  # the caller's umask is back


@pytest.mark.usefixtures("open_umask")
def test_chat_database_wal_and_exported_document_are_the_owners_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, out_dir = tmp_path / "r.db", tmp_path / "exports"
    lines = [SEED_SESSION[0], LEVEL, REGION, YEAR, "导出", "yaml", ""]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines)))
    assert main(["chat", "--db", str(db), "--out", str(out_dir), "--user", "t"]) == 0
    [exported] = out_dir.iterdir()
    created = [db, exported, *tmp_path.glob("r.db-*")]
    assert {p.name: mode(p) for p in created} == {p.name: 0o600 for p in created}
    assert mode(out_dir) == 0o700


def current_umask() -> int:
    umask = os.umask(0o077)
    os.umask(umask)
    return umask


@pytest.mark.usefixtures("open_umask")
def test_the_bot_run_as_its_module_creates_private_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``python -m bot.frontends.telegram_bot run`` (not through ``reportbot``) too."""
    from bot.frontends import telegram_bot

    seen: list[int] = []

    def run(args: argparse.Namespace) -> int:
        seen.append(current_umask())
        return 0

    monkeypatch.setattr(telegram_bot, "cmd_run", run)
    assert telegram_bot.main(["run", "--db", str(tmp_path / "r.db")]) == 0
    assert seen == [0o077]
    assert current_umask() == 0o022


def token_args(path: Path) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_run_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["run", "--token-file", str(path)])


@pytest.mark.parametrize(("perm", "warned"), [(0o644, True), (0o640, True), (0o600, False)])
def test_token_file_readable_by_others_is_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], perm: int, warned: bool
) -> None:
    path = tmp_path / "token"
    path.write_text("123:SECRET\n")
    path.chmod(perm)
    assert read_token(token_args(path), {}) == "123:SECRET"
    warning = message(Code.TG_TOKEN_FILE_OPEN, path=path, mode=f"{perm:04o}") + "\n"
    assert capsys.readouterr().err == (warning if warned else "")


def test_nothing_unclean_reaches_the_engine_from_the_terminal(
    store: Store, tmp_path: Path
) -> None:
    seen: list[Input] = []
    service = Service(store, drafter=fake_drafter(), today=lambda: date(2024, 12, 20))
    handle = service.handle

    def spy(user: str, inp: Input, frontend: str, update_key: str | None = None) -> list[Outgoing]:
        seen.append(inp)
        return handle(user, inp, frontend, update_key)

    service.handle = spy  # type: ignore[method-assign]
    run_chat(service, "cli:t", io.StringIO(f"某{UNCLEAN}局\n"), io.StringIO(), tmp_path, False)
    assert seen[-1].text == "某[2J]0;title局"


def test_a_loaded_or_imported_report_keeps_no_control_or_bidi_characters(store: Store) -> None:
    """Files are an entry too: names and prose of a loaded report are cleaned as typed
    text is (published HTML often carries U+200E)."""
    report = Report(
        "某\u202e局\x1b[2J",
        2023,
        narrative={"overview": "本年度\u200e工作\x07稳步推进。"},
        extra={"answers": {"problems": ["公开\u2066形式单一"]}},
    )
    report_id = store.import_report(report, user="cli:test", frontend="test")
    kept = store.get_report(report_id)
    assert kept.agency == "某局[2J"
    assert kept.narrative["overview"] == "本年度工作稳步推进。"
    assert kept.extra["answers"]["problems"] == ["公开形式单一"]
