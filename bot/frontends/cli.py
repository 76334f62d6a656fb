"""The ``reportbot`` command line: a thin shell over the library modules.

Each sub-command parses its arguments, calls the library and translates its errors
into one clear line and an exit status; no traceback reaches the officer. Every library
module is imported by the command that needs it, so ``reportbot --help`` and ``reportbot
check`` load neither python-docx, openpyxl nor python-telegram-bot.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.format.catalogue import UserError
from bot.format.report import FIRST_YEAR, LAST_YEAR
from bot.frontends.settings import (
    DEFAULT_DB,
    PRIVATE_UMASK,
    add_run_parser,
    add_zone_option,
    time_zone,
)

if TYPE_CHECKING:
    from bot.format.findings import Finding
    from bot.format.report import Report

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2
EXIT_MISSING = 1  # import: cells missing
DEFAULT_AGENCY = "汇总"  # the name of a summary report (aggregate)


def _read(path: str) -> tuple[Report, list[Finding]] | None:
    """Load a report data file, or print its one-line problem and return None."""
    from bot.format.datafile import DataFileError, load

    try:
        return load(Path(path))
    except DataFileError as exc:
        print(exc.message(), file=sys.stderr)
        return None


def _print_findings(path: str, report: Report, findings: list[Finding]) -> None:
    from bot.format.catalogue import Code, message
    from bot.format.findings import Severity
    from bot.format.model import model

    print(message(Code.CLI_HEADER, path=path, agency=report.agency, year=report.year))
    m = model()
    explanations = report.explanations
    titles = {p.key: p.title for p in m.parts}
    current: str | None = None
    for finding in findings:
        if finding.part != current:
            current = finding.part
            print(titles.get(finding.part, message(Code.CLI_NO_PART)))
        label = message(Code.CLI_ERROR if finding.severity is Severity.ERROR else Code.CLI_WARNING)
        print(f"  [{label}] {finding.message()}")
        if finding.key in explanations:
            print(f"      {message(Code.CLI_EXPLAINED, explanation=explanations[finding.key])}")
    errors = sum(f.severity is Severity.ERROR for f in findings)
    if findings:
        print(message(Code.CLI_SUMMARY, errors=errors, warnings=len(findings) - errors))
    else:
        print(message(Code.CLI_CLEAN))


def cmd_check(args: argparse.Namespace) -> int:
    """Check report data files; exit 0 clean or warnings only, 1 errors, 2 unreadable."""
    import json

    from bot.drafting.compliance import check_draft
    from bot.format.findings import Severity, has_errors

    previous: Report | None = None
    status = EXIT_OK
    if args.previous:
        loaded = _read(args.previous)
        if loaded is None:
            return EXIT_UNREADABLE
        previous = loaded[0]
    results: list[dict[str, Any]] = []
    for name in args.files:
        loaded = _read(name)
        if loaded is None:
            status = EXIT_UNREADABLE
            continue
        report, findings = loaded
        findings = findings + check_draft(report, previous, submitting=True)
        if has_errors(findings) and status == EXIT_OK:
            status = EXIT_FINDINGS
        if args.json:
            explanations = report.explanations
            results.append(
                {
                    "file": name,
                    "agency": report.agency,
                    "year": report.year,
                    "errors": sum(f.severity is Severity.ERROR for f in findings),
                    "findings": [f.as_json(explanations.get(f.key)) for f in findings],
                }
            )
        else:
            _print_findings(name, report, findings)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return status


def cmd_chat(args: argparse.Namespace) -> int:
    """The terminal chat on the SQLite database."""
    from bot.format.yaml_loading import PromptError
    from bot.frontends.terminal import default_user, run_chat
    from bot.service.turns import Service, load_prompts
    from bot.store.reports import Store

    try:
        load_prompts()
        zone = time_zone(args.time_zone)
    except PromptError as exc:
        print(exc, file=sys.stderr)
        return EXIT_UNREADABLE
    except UserError as exc:
        print(exc.message(), file=sys.stderr)
        return EXIT_UNREADABLE
    store = Store.open(args.db)
    try:
        return run_chat(
            Service(store, zone=zone),
            f"cli:{args.user or default_user()}",
            sys.stdin,
            sys.stdout,
            Path(args.out),
            sys.stdin.isatty(),
        )
    finally:
        store.close()


def cmd_export(args: argparse.Namespace) -> int:
    """Write a stored report to a report data file."""
    from bot.drafting.prose import with_narrative
    from bot.format.catalogue import Code, message
    from bot.format.datafile import save
    from bot.store.reports import Store

    store = Store.open(args.db)
    try:
        report_id = store.find_report(args.agency, args.year)
        if report_id is None:
            print(message(Code.CLI_NO_REPORT, agency=args.agency, year=args.year), file=sys.stderr)
            return EXIT_UNREADABLE
        save(with_narrative(store.export_report(report_id)), Path(args.output))
    finally:
        store.close()
    print(message(Code.CLI_EXPORTED, path=args.output))
    return EXIT_OK


def cmd_load(args: argparse.Namespace) -> int:
    """Store a report data file in the database (replacing it with --replace)."""
    from bot.format.catalogue import Code, message
    from bot.format.findings import has_errors
    from bot.store.reports import Store
    from bot.store.rows import ReportExists

    loaded = _read(args.file)
    if loaded is None:
        return EXIT_UNREADABLE
    report, findings = loaded
    if has_errors(findings):
        _print_findings(args.file, report, findings)
        return EXIT_FINDINGS
    store = Store.open(args.db)
    try:
        store.import_report(
            report, user=f"cli:{args.user or 'load'}", frontend="cli", replace=args.replace
        )
    except ReportExists:
        print(message(Code.CLI_EXISTS, agency=report.agency, year=report.year), file=sys.stderr)
        return EXIT_FINDINGS
    finally:
        store.close()
    print(message(Code.CLI_LOADED, agency=report.agency, year=report.year))
    return EXIT_OK


def cmd_grant(args: argparse.Namespace) -> int:
    """The operator's grant: make a user a member of an existing agency, e.g. its first
    admin when the agency was made by loading a report (a name never claims an agency)."""
    from bot.format.catalogue import Code, message
    from bot.office.rules import role_name
    from bot.store.office import LastAdmin, WorkflowStore
    from bot.store.reports import Store

    store = Store.open(args.db)
    try:
        offices = WorkflowStore(store)
        agency_id = offices.agency_id(args.agency)
        if agency_id is None:
            print(message(Code.CLI_NO_AGENCY, agency=args.agency), file=sys.stderr)
            return EXIT_FINDINGS
        try:
            offices.grant(agency_id, args.user, args.role)
        except LastAdmin:
            print(message(Code.CLI_BAD_ROLE, user=args.user, agency=args.agency), file=sys.stderr)
            return EXIT_FINDINGS
    finally:
        store.close()
    role = role_name(args.role)
    print(message(Code.CLI_GRANTED, user=args.user, agency=args.agency, role=role))
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    """Render a report data file to a draft: docx, pdf, html, md, txt or xlsx.

    Exit 0: written, nothing left to fill in; 1: written, but the draft still shows gaps
    (said on stderr); 2: the file cannot be read, or no PDF can be made here."""
    from bot.drafting.render import open_gaps, render
    from bot.format.catalogue import Code, message

    loaded = _read(args.file)
    if loaded is None:
        return EXIT_UNREADABLE
    report = loaded[0]
    if args.format == "pdf":
        from bot.drafting.pdf import missing_fonts, office_program

        if office_program() is None:  # before composing anything: one line, exit 2
            print(message(Code.DRF_NO_OFFICE), file=sys.stderr)
            return EXIT_UNREADABLE
        if missing := missing_fonts():
            print(message(Code.DRF_FONTS_MISSING, fonts="、".join(missing)), file=sys.stderr)
    sign = sign_date(args.sign) if isinstance(args.sign, str) else args.sign  # the const
    data = render(report, args.format, sign=sign, fragment=args.fragment)
    output = Path(args.output)
    output.write_bytes(data)
    print(message(Code.CLI_EXPORTED, path=output))
    if gaps := open_gaps(report):
        print(message(Code.DRF_OPEN_GAPS, count=gaps), file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def sign_date(text: str) -> date:
    """``--sign``'s date: YYYY-MM-DD, or ``today`` (in China)."""
    from datetime import datetime, timedelta, timezone

    if text == "today":
        return datetime.now(timezone(timedelta(hours=8))).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_import(args: argparse.Namespace) -> int:
    """``reportbot import FILE -o OUT``: exit 0 complete, 1 cells missing, 2 unreadable."""
    from bot.format.catalogue import Code, message
    from bot.format.datafile import save
    from bot.importing.importer import describe, import_report
    from bot.importing.text import ImportFailed

    source, output = Path(args.file), Path(args.output)
    try:
        result = import_report(source, agency=args.agency, year=args.year)
        if output.resolve() == source.resolve():
            raise ImportFailed(
                Code.IMP_WRITE_FAILED, path=str(output), reason=message(Code.IMP_SAME_FILE)
            )
        try:
            save(result.report, output)
        except OSError as exc:
            raise ImportFailed(
                Code.IMP_WRITE_FAILED, path=str(output), reason=exc.strerror or str(exc)
            ) from exc
    except ImportFailed as exc:
        print(exc.message(), file=sys.stderr)
        return EXIT_UNREADABLE
    report = result.report
    print(
        message(
            Code.IMP_DONE,
            path=args.file,
            agency=report.agency,
            year=report.year,
            output=args.output,
        )
    )
    for line in describe(result):
        print(line)
    return EXIT_OK if result.complete else EXIT_MISSING


def cmd_aggregate(args: argparse.Namespace) -> int:
    """Sum report data files; exit 0 clean, 1 inputs with errors or cells missing, 2 refused."""
    from bot.format.catalogue import Code, message
    from bot.format.datafile import DataFileError, save
    from bot.office.aggregate import AggregateError, aggregate, read_source

    output = Path(args.output)
    try:
        if any(output.resolve() == Path(f).resolve() for f in args.files):
            raise AggregateError(
                Code.IMP_WRITE_FAILED, path=args.output, reason=message(Code.IMP_SAME_FILE)
            )
        result = aggregate([read_source(Path(f)) for f in args.files], args.agency)
        try:
            save(result.report, output)
        except OSError as exc:
            raise AggregateError(
                Code.IMP_WRITE_FAILED, path=args.output, reason=exc.strerror or str(exc)
            ) from exc
    except (DataFileError, AggregateError) as exc:
        print(exc.message(), file=sys.stderr)
        return EXIT_UNREADABLE
    for s in result.sources:
        print(
            message(
                Code.IMP_AGG_INPUT,
                path=s.path,
                agency=s.report.agency,
                year=s.report.year,
                errors=len(s.errors),
                warnings=s.warnings,
            )
        )
        for finding in s.errors:
            print(f"    [{message(Code.CLI_ERROR)}] {finding.message()}")
    if result.missing:
        print(message(Code.IMP_AGG_MISSING_HEADER, count=len(result.missing)))
        for cell, paths in result.missing.items():
            print("  " + message(Code.IMP_AGG_MISSING_CELL, cell=cell, files="、".join(paths)))
    with_errors = sum(1 for s in result.sources if s.errors)
    print(
        message(
            Code.IMP_AGG_DONE,
            count=len(result.sources),
            year=result.report.year,
            output=args.output,
            with_errors=with_errors,
        )
    )
    return EXIT_FINDINGS if with_errors or result.missing else EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    """``reportbot run``: the Telegram bot (python-telegram-bot is imported only now)."""
    from bot.frontends.telegram_bot import cmd_run as run

    return run(args)


def year(text: str) -> int:
    """An argument that is a year a report can be about (2008 to 2100)."""
    if not text.isdecimal() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}")
    return int(text)


Commands = argparse._SubParsersAction  # the sub-command parsers of build_parser


def add_import_parser(sub: Commands[argparse.ArgumentParser]) -> None:
    """Register ``reportbot import`` on the sub-command parsers ``sub``."""
    p = sub.add_parser(
        "import",
        help="read a published report (.txt .html .docx .pdf .xlsx) into a report data file",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help=".yaml or .json")
    p.add_argument("--agency", help="the agency, when the title does not name it")
    p.add_argument("--year", type=year, help="the year reported on, when the title has none")
    p.set_defaults(func=cmd_import)


def add_aggregate_parser(sub: Commands[argparse.ArgumentParser]) -> None:
    """Register ``reportbot aggregate`` on the sub-command parsers ``sub``."""
    p = sub.add_parser(
        "aggregate",
        help="sum tables 二, 三, 四 of many agencies' report data files (one year) into one",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help=".yaml or .json")
    p.add_argument(
        "--agency",
        default=DEFAULT_AGENCY,
        help="name of the summary report (default: %(default)s)",
    )
    p.set_defaults(func=cmd_aggregate)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="reportbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="check report data files against every rule of the format")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--previous", metavar="LAST_YEAR_FILE", help="last year's report data file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("chat", help="the guided conversation in this terminal")
    p.add_argument("--db", default=str(DEFAULT_DB), help="SQLite database (default: %(default)s)")
    p.add_argument("--user", help="who is typing (default: the login name)")
    p.add_argument(
        "--out",
        default=str(Path("data") / "exports"),
        help="folder for exported files (default: %(default)s)",
    )
    add_zone_option(p)
    p.set_defaults(func=cmd_chat)
    p = sub.add_parser("render", help="render a report data file as a finished draft")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", required=True, choices=("docx", "pdf", "html", "md", "txt", "xlsx"))
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.add_argument(
        "--sign",
        nargs="?",
        const="today",
        type=sign_date,
        metavar="YYYY-MM-DD",
        help="close with the 落款: the agency and this date (default: today)",
    )
    p.add_argument(
        "--fragment",
        action="store_true",
        help="html: the report alone, every style inline, to paste into a web editor",
    )
    p.set_defaults(func=cmd_render)
    p = sub.add_parser("export", help="write a stored report to a report data file")
    p.add_argument("--agency", required=True)
    p.add_argument("--year", required=True, type=int)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help=".yaml or .json")
    p.add_argument("--db", default=str(DEFAULT_DB))
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("load", help="store a report data file in the database")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--db", default=str(DEFAULT_DB))
    p.add_argument("--replace", action="store_true", help="overwrite a stored report")
    p.add_argument("--user", help="who loads it (recorded in the history)")
    p.set_defaults(func=cmd_load)
    p = sub.add_parser("grant", help="make a user a member of an agency (the operator's way in)")
    p.add_argument("--agency", required=True, metavar="NAME", help="the agency, as named")
    p.add_argument("--user", required=True, help="tg:<Telegram user id> or cli:<name>")
    p.add_argument("--role", required=True, choices=["admin", "editor", "reviewer"])
    p.add_argument("--db", default=str(DEFAULT_DB))
    p.set_defaults(func=cmd_grant)
    add_run_parser(sub).set_defaults(func=cmd_run)
    add_import_parser(sub)
    add_aggregate_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reportbot`` console script."""
    args = build_parser().parse_args(argv)
    umask = os.umask(PRIVATE_UMASK)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except UserError as exc:  # e.g. a database that is not one: one line, no traceback
        print(exc.message(), file=sys.stderr)
        return EXIT_UNREADABLE
    finally:
        os.umask(umask)  # as it was, for a caller in the same process


if __name__ == "__main__":
    sys.exit(main())
