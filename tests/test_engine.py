"""The engine alone: a pure function from (flow, session, input, context) to the new
session, the replies with typed effects among them in the order they are shown, and the
changes to store. No store, no front end."""

from __future__ import annotations

from datetime import date

import pytest

from bot.conversation.effects import (
    REVIEW_STEP,
    Check,
    Decide,
    Explain,
    Export,
    Invite,
    Join,
    NewReport,
    Preview,
    ReadFile,
    ReturnComments,
    Submit,
)
from bot.conversation.engine import PASTED, handle
from bot.conversation.flows import flow
from bot.conversation.session import (
    Explanations,
    ImportPaste,
    LiveWarning,
    ReviewComments,
    Session,
    SetupAnswers,
    Step,
)
from bot.conversation.types import Context, Input, Outcome, Reply
from bot.format.catalogue import Code
from bot.format.report import Report

TODAY = date(2024, 12, 20)
USER = "cli:officer"


def at_question(name: str = "overview_intro", **changes: object) -> Session:
    session = Session(USER, report_id=1)
    session.ask(name)
    for key, value in changes.items():
        setattr(session, key, value)
    return session


def run(session: Session, inp: Input, report: Report | None = None) -> Outcome:
    ctx = Context(report if report is not None else Report("示例局", 2024), today=TODAY)
    return handle(flow(), session, inp, ctx)


def codes(outcome: Outcome) -> list[Code | None]:
    return [r.code for r in outcome.replies if isinstance(r, Reply)]


def test_a_preview_comes_where_it_was_asked_and_the_question_follows() -> None:
    outcome = run(at_question(), Input(text="预览"))
    assert outcome.replies[0] == Preview()
    assert codes(outcome) == [Code.CHAT_QUESTION]
    assert outcome.session.key == "overview_intro"


@pytest.mark.parametrize(
    ("text", "effect"),
    [("检查", Check()), ("提交", Submit()), ("邀请 审核人", Invite("审核人"))],
)
def test_commands_carried_out_by_the_service_are_typed_effects(text: str, effect: object) -> None:
    outcome = run(at_question(), Input(text=text))
    assert outcome.effects == [effect]
    assert outcome.changes == []


def test_an_export_is_asked_then_returned_as_its_format() -> None:
    asked = run(at_question(), Input(text="导出"))
    assert asked.session.step is Step.EXPORT
    assert asked.session.return_to == "overview_intro"
    chosen = run(asked.session, Input(text="docx"))
    assert chosen.effects == [Export("docx")]
    assert chosen.session.key == "overview_intro"


def test_an_invite_link_joins_and_starts_afresh() -> None:
    outcome = run(at_question(pending=LiveWarning("w", "overview_intro")), Input(text="/start ab"))
    assert outcome.effects == [Join("ab")]
    assert (outcome.session.step, outcome.session.report_id) == (Step.START, None)
    assert outcome.session.pending is None


def test_a_review_press_is_decided_by_the_service_whatever_the_step() -> None:
    inp = Input(choice="approve", choice_step=f"{REVIEW_STEP}7")
    outcome = run(at_question(), inp)
    assert outcome.effects == [Decide(f"{REVIEW_STEP}7", "approve")]
    assert codes(outcome) == []


def test_a_reviewer_without_a_report_gets_their_comments_recorded() -> None:
    session = Session(USER, step=Step.REVIEW_COMMENT, pending=ReviewComments(7))
    outcome = handle(flow(), session, Input(text="请核对表三"), Context(today=TODAY))
    assert outcome.effects == [ReturnComments(7, "请核对表三")]
    assert outcome.session.step is Step.START


def test_an_explanation_before_submission_goes_to_the_service() -> None:
    session = Session(USER, 1, Step.EXPLAIN, pending=Explanations(("k",)))
    outcome = run(session, Input(text="因机构改革"))
    assert outcome.effects == [Explain("因机构改革")]


def test_a_paste_after_import_is_read_and_the_officer_is_back_where_they_were() -> None:
    asked = run(at_question(), Input(text="导入上年报告"))
    assert asked.session.step is Step.IMPORT_PASTE
    assert asked.session.pending == ImportPaste("overview_intro")
    assert codes(asked) == [Code.IMP_CHAT_ASK]
    pasted = run(asked.session, Input(text="2023年某局政府信息公开工作年度报告"))
    assert pasted.effects == [ReadFile(PASTED, "2023年某局政府信息公开工作年度报告".encode())]
    assert pasted.session.key == "overview_intro"
    assert pasted.session.pending is None


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (date(2026, 12, 1), 2026),  # the last quarter: this year's report is being prepared
        (date(2026, 10, 1), 2026),
        (date(2026, 9, 30), 2025),
        (date(2027, 1, 15), 2026),  # before the deadline: last year's
    ],
)
def test_the_year_asked_last_creates_the_report(today: date, year: int) -> None:
    session = Session(USER, step=Step.SETUP_YEAR, pending=SetupAnswers("示例局", "county", "某省"))
    outcome = handle(flow(), session, Input(text="好"), Context(today=today))
    assert outcome.effects == [NewReport("示例局", "county", year, "某省")]
    assert outcome.session.pending is None


def test_a_set_up_answer_without_its_agency_starts_the_set_up_again() -> None:
    session = Session(USER, step=Step.SETUP_YEAR)  # as a hand-edited or damaged session
    outcome = handle(flow(), session, Input(text="2023"), Context(today=TODAY))
    assert outcome.effects == []
    assert codes(outcome) == [Code.CHAT_ASK_AGENCY]
    assert outcome.session.step is Step.SETUP_AGENCY


def test_the_engine_changes_a_copy_of_the_session() -> None:
    session = at_question()
    run(session, Input(text="/menu"))
    assert session == at_question()


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (  # sessions stored before steps and pending values were typed
            {"step": "t3_new", "pending": {"warning": "carried_over", "step": "t3_new"}},
            Session(USER, None, Step.QUESTION, "t3_new", LiveWarning("carried_over", "t3_new")),
        ),
        (
            {"step": "explain", "pending": {"explain": ["a", "b"]}},
            Session(USER, None, Step.EXPLAIN, None, Explanations(("a", "b"))),
        ),
        (
            {"step": "review_comment", "pending": {"version": 3}},
            Session(USER, None, Step.REVIEW_COMMENT, None, ReviewComments(3)),
        ),
        (
            {"step": "import_paste", "pending": {"return": "menu"}},
            Session(USER, None, Step.IMPORT_PASTE, None, ImportPaste("menu")),
        ),
        (
            {"step": "setup_region", "pending": {"agency": "甲局", "level": "county"}},
            Session(USER, None, Step.SETUP_REGION, None, SetupAnswers("甲局", "county")),
        ),
    ],
)
def test_stored_sessions_of_the_old_form_resume(
    stored: dict[str, object], expected: Session
) -> None:
    session = Session.from_json(USER, stored)
    assert session == expected
    assert Session.from_json(USER, session.to_json()) == expected
