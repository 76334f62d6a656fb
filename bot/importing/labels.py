"""The vocabulary of a published report: which label names which row, column or part.

Labels are compared by :func:`~bot.importing.cells.label_key` (letters and digits only), and
by a word that only that label contains, so numbering, brackets, punctuation and line
breaks do not matter, and notes such as ``规章（县级无此项）`` still match. The words are
checked in order: the more specific first. The official labels themselves come from
``prompts/report.yaml`` (:mod:`bot.format.model`); a test holds every one of them to this
vocabulary.
"""

from __future__ import annotations

from functools import cache

from bot.format.model import model
from bot.importing.cells import body_key, clean_text, label_key, strip_numbering

# --- the six parts ------------------------------------------------------------------------

# Words of each part's heading, the official one and the variants in use (spec §3).
HEADING_WORDS = {
    "overview": ("总体情况", "概述"),
    "active": ("主动公开",),
    "applications": ("收到和处理", "依申请公开"),
    "review_litigation": ("行政复议", "行政诉讼"),
    "problems": ("存在的主要问题", "存在问题", "主要问题"),
    "other_matters": ("其他需要报告", "其他事项"),
}
# Where a table starts when its heading is not found: its first labels.
ANCHORS = {
    "active": ("第二十条",),
    "applications": ("勾稽关系", "申请人情况", "本年新收"),
    "review_litigation": ("行政复议",),
}
# Lines of the web page around the report; in part 六 the first one ends the report.
CHROME = (
    "扫一扫", "打印本页", "关闭窗口", "【打印", "打印】", "【关闭", "字体:", "字体：", "分享到",
    "上一篇", "下一篇", "相关链接", "相关文章", "版权所有", "主办单位", "承办单位", "网站标识码",
    "ICP备", "公网安备", "浏览次数", "访问量", "收藏本页", "责任编辑", "保护视力",
)  # fmt: skip

# --- table 二 -----------------------------------------------------------------------------

# Column header words → column kind: the 2021 kinds, then those of the 2019 trial format.
KINDS_2021 = ("issued", "abolished", "in_force", "decisions", "fees")
ACTIVE_COLUMNS = (
    ("制发", "issued"), ("废止", "abolished"), ("有效", "in_force"), ("处理决定", "decisions"),
    ("收费金额", "fees"), ("新制作", "made"), ("新公开", "published"),
    ("公开总数", "public_total"), ("上一年", "previous"), ("增减", "change"),
    ("采购项目", "purchases"), ("总金额", "purchase_amount"),
)  # fmt: skip
COLUMN_LABELS = {
    "issued": "本年制发件数", "abolished": "本年废止件数", "in_force": "现行有效件数",
    "decisions": "本年处理决定数量", "fees": "本年收费金额（万元）",
    "made": "本年新制作数量", "published": "本年新公开数量", "public_total": "对外公开总数量",
    "previous": "上一年项目数量", "change": "本年增/减", "purchases": "采购项目数量",
    "purchase_amount": "采购总金额",
}  # fmt: skip
# Rows of the 2019 trial format that the 2021 format dropped, with their columns.
LABELS_2019 = {"other_services": "其他对外管理服务事项", "procurement": "政府集中采购",
               "normative_docs": "规范性文件"}  # fmt: skip
ROWS_2019 = {
    "other_services": ["previous", "change", "decisions"],
    "procurement": ["purchases", "purchase_amount"],
}
ACTIVE_ROWS = (
    ("规范性文件", "normative_docs"), ("行政许可", "licensing"),
    ("其他对外管理服务", "other_services"), ("行政处罚", "punishment"),
    ("行政强制", "enforcement"), ("行政事业性收费", "fees_wan_yuan"),
    ("政府集中采购", "procurement"),
)  # fmt: skip


def active_row(text: str) -> str | None:
    """The row of table 二 a label names (a cell path head of the model, or a 2019 row)."""
    key = label_key(text)
    for word, row in ACTIVE_ROWS:
        if word in key:
            return row
    return "rules" if body_key(text).startswith("规章") else None


def active_columns(text: str) -> list[str]:
    """The column kinds a header cell names, in order (one cell may name several)."""
    key = label_key(text)
    found = [(key.find(word), kind) for word, kind in ACTIVE_COLUMNS if word in key]
    return [kind for _, kind in sorted(found)]


def is_article(text: str) -> bool:
    """A caption such as 第二十条第（一）项, which starts a group of table 二."""
    return "第二十条" in label_key(text)


# --- table 三 -----------------------------------------------------------------------------

APPLICATION_ROWS = (
    ("new", "本年新收"), ("carried_over", "上年结转"), ("partly_granted", "部分公开"),
    ("granted", "予以公开"), ("withheld_state_secret", "国家秘密"),
    ("withheld_law_forbids", "法律行政法规禁止"), ("withheld_three_safety", "三安全一稳定"),
    ("withheld_third_party", "第三方合法权益"), ("withheld_internal_affairs", "内部事务"),
    ("withheld_process_info", "过程性信息"), ("withheld_enforcement_file", "行政执法案卷"),
    ("withheld_admin_query", "行政查询"), ("unavailable_not_held", "不掌握"),
    ("unavailable_needs_creation", "另行制作"), ("unavailable_unclear", "仍不明确"),
    ("not_processed_petition", "信访举报投诉"), ("not_processed_duplicate", "重复申请"),
    ("not_processed_publication", "公开出版物"), ("not_processed_mass_repeat", "大量反复"),
    ("not_processed_confirm", "重新出具"), ("other_no_correction", "逾期不补正"),
    ("other_no_fee", "收费通知"), ("other_no_fee", "缴纳费用"), ("carry_forward", "结转下年度"),
)  # fmt: skip
APPLICATION_EXACT = {"其他": "other", "总计": "total", "合计": "total"}
APPLICATION_GROUPS = ("本年度办理结果", "不予公开", "无法提供", "不予处理", "其他处理")
OTHER_GROUP = "其他处理"  # in the 2019 format a row of its own
NEAR_SHARE = 0.6  # of an official label's characters a label missing some must keep


def application_label(text: str, started: bool = True) -> tuple[str, str] | None:
    """``("row", key)`` or ``("group", word)`` for a label of table 三, else None.

    Before the first row (``started`` false) 其他 and 总计 are column headers.
    """
    key = label_key(text)
    for row, word in APPLICATION_ROWS:
        if word in key:
            return "row", row
    exact = APPLICATION_EXACT.get(body_key(text))
    if exact:
        return ("row", exact) if started else None
    for word in APPLICATION_GROUPS:
        if word in key:
            return "group", word
    near = _garbled_application_row(text)
    return ("row", near) if near else None


@cache
def _official_rows() -> tuple[tuple[str, str, str], ...]:
    """(row key, numbering key, body key) of each official row label of table 三."""
    out = []
    for row in model().applications.rows:
        body = strip_numbering(row.label)
        out.append((row.key, label_key(row.label[: len(row.label) - len(body)]), label_key(body)))
    return tuple(out)


def _subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


def _garbled_application_row(text: str) -> str | None:
    """The one official row of table 三 whose label holds every character of ``text``, in
    order, and at least :data:`NEAR_SHARE` of them, with the same numbering: a label with
    characters lost in printing or extraction (``2.其他法律行政止公开``). None when no row
    or more than one row fits."""
    cleaned = clean_text(text)
    body = strip_numbering(cleaned)
    number, key = label_key(cleaned[: len(cleaned) - len(body)]), label_key(body)
    if len(key) < 4:
        return None
    fits = [
        row
        for row, official_number, official in _official_rows()
        if (not number or number == official_number)
        and len(key) >= NEAR_SHARE * len(official)
        and _subsequence(key, official)
    ]
    return fits[0] if len(fits) == 1 else None


# --- table 四 -----------------------------------------------------------------------------

REVIEW_COLUMNS = (("维持", 0), ("纠正", 1), ("其他", 2), ("审结", 3), ("总计", 4), ("合计", 4))


def review_group(text: str) -> str | None:
    """The row of table 四 a label names (行政复议, 未经复议直接起诉, 复议后起诉)."""
    key = label_key(text)
    if "未经复议" in key or "直接起诉" in key:
        return "litigation_direct"
    if "复议后" in key:
        return "litigation_after_review"
    return "review" if "行政复议" in key else None


def review_column(text: str) -> int | None:
    """The result column a label names (结果维持 … 总计)."""
    key = label_key(text)
    return next((col for word, col in REVIEW_COLUMNS if word in key), None)
