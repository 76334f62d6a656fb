"""Five realistic profiles of an agency's year, besides the example report: the figures
(consistent) and the officer's answers (prose of our own, as officers write it). The
golden test composes each draft and holds it to ``tests/golden/<name>.txt``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.format.datafile import Report
from bot.format.model import model

ZERO6 = [0, 0, 0, 0, 0, 0]


def _table3(
    rows: dict[str, list[int]], carried: list[int], forward: list[int]
) -> dict[str, list[int]]:
    """Table 三 from its disposition rows (six columns each; the rest are 0)."""
    m = model()
    out = {
        r.key: [*rows.get(r.key, ZERO6), sum(rows.get(r.key, ZERO6))]
        for r in m.applications.dispositions
    }
    total = [sum(rows.get(r.key, ZERO6)[c] for r in m.applications.dispositions) for c in range(6)]
    new = [t + f - o for t, f, o in zip(total, forward, carried, strict=True)]
    for key, values in (
        ("new", new),
        ("carried_over", carried),
        ("total", total),
        ("carry_forward", forward),
    ):
        out[key] = [*values, sum(values)]
    return out


def _table4(
    review: list[int] | None = None,
    direct: list[int] | None = None,
    after: list[int] | None = None,
) -> dict[str, list[int]]:
    rows = {"review": review, "litigation_direct": direct, "litigation_after_review": after}
    return {k: [*(v or [0, 0, 0, 0]), sum(v or [0])] for k, v in rows.items()}


def _report(
    agency: str,
    level: str,
    active: dict[str, Any],
    apps: dict[str, list[int]],
    rl: dict[str, list[int]],
    answers: dict[str, Any],
) -> Report:
    return Report(
        agency,
        2024,
        active=active,
        applications=apps,
        review_litigation=rl,
        extra={"agency_level": level, "answers": answers},
    )


def _active(
    rules: tuple[int, int, int],
    docs: tuple[int, int, int],
    licensing: int,
    punishment: int,
    enforcement: int,
    fees: str,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, (issued, abolished, in_force) in (("rules", rules), ("normative_docs", docs)):
        out.update(
            {f"{key}.issued": issued, f"{key}.abolished": abolished, f"{key}.in_force": in_force}
        )
    out.update(
        licensing=licensing,
        punishment=punishment,
        enforcement=enforcement,
        fees_wan_yuan=Decimal(fees),
    )
    return out


def nothing_received() -> Report:
    """A county bureau that received no application and had no review or lawsuit."""
    return _report(
        "示例县自然资源局",
        "county",
        _active((0, 0, 0), (1, 0, 6), 85, 12, 0, "0"),
        _table3({}, ZERO6, ZERO6),
        _table4(),
        {
            "overview_intro": "本年度，我局围绕自然资源管理和耕地保护重点工作推进政务公开，公开内容更加聚焦群众关心的用地、不动产登记等事项",
            "active_channels": ["portal", "noticeboard"],
            "active_count": {"portal": 48},
            "active_items": [
                "集中公开年度土地征收成片开发方案和征地补偿标准",
                "按月更新不动产登记办事指南和收费标准",
                "在乡镇便民服务中心公开栏张贴耕地保护政策解读",
            ],
            "info_management": [
                "建立公开属性认定台账，拟制公文时同步确定公开方式",
                "对历年规范性文件开展清理，保留6件并在门户网站集中公布",
            ],
            "platform": ["在门户网站增设“征地信息公开”专栏，分乡镇发布批复文件"],
            "supervision": [
                "明确分管领导负责政务公开工作，办公室具体承办",
                "开展政务公开业务培训1次",
            ],
            "problems": ["部分专业性较强的信息缺少配套解读", "公开栏内容更新不够及时"],
            "measures": ["对新出台的涉农用地政策同步制作图解", "建立公开栏内容季度更新制度"],
            "fee_collected": "no",
            "work_points": "确认",
            "proposals": "本年度我局承办县人大代表建议2件，办理结果均已在门户网站公开",
        },
    )


def all_granted() -> Report:
    """A district bureau whose six applications were all granted."""
    return _report(
        "示例市示例区教育局",
        "county",
        _active((0, 0, 0), (2, 1, 9), 36, 0, 0, "0"),
        _table3({"granted": [5, 1, 0, 0, 0, 0]}, ZERO6, ZERO6),
        _table4(),
        {
            "overview_intro": "本年度，我局聚焦义务教育招生、学校收费和学生资助等群众关注事项，做到应公开尽公开",
            "active_channels": ["portal", "wechat"],
            "active_count": {"portal": 132, "wechat": 210},
            "active_items": [
                "提前公布义务教育阶段学校招生范围和入学流程",
                "公开民办学校收费项目和标准",
                "每学期公开学生资助名额分配和发放情况",
            ],
            "info_management": [
                "严格落实信息发布前保密审查和内容审核",
                "对招生政策文件同步发布政策问答",
            ],
            "platform": [
                "完成门户网站适老化和无障碍改造",
                "政务微信公众号开设“招生政策直通车”栏目",
            ],
            "supervision": [
                "将政务公开纳入对直属学校的年度考核",
                "邀请家长代表对招生信息公开情况进行评议",
            ],
            "problems": ["政策解读以文字为主，形式较为单一"],
            "measures": ["运用短视频、一图读懂等形式解读招生和资助政策"],
            "fee_collected": "no",
            "work_points": "我局按照区政务公开工作要点确定的11项任务逐项推进，均已完成",
            "proposals": "无",
        },
    )


def only_unavailable() -> Report:
    """A county bureau whose handled applications could all not be provided; one is
    carried forward."""
    return _report(
        "示例县市场监督管理局",
        "county",
        _active((0, 0, 0), (0, 0, 3), 1268, 97, 15, "0"),
        _table3(
            {
                "unavailable_not_held": [2, 0, 0, 0, 0, 0],
                "unavailable_needs_creation": [0, 1, 0, 0, 0, 0],
            },
            [1, 0, 0, 0, 0, 0],
            [1, 0, 0, 0, 0, 0],
        ),
        _table4(),
        {
            "overview_intro": "",
            "active_channels": ["portal", "app"],
            "active_count": {"portal": 305},
            "active_items": ["按时公示行政许可和行政处罚决定", "定期发布食品安全监督抽检结果"],
            "info_management": ["落实行政处罚决定7个工作日内公示的要求，并按规定撤下到期信息"],
            "platform": ["配合县政府门户网站集约化改造，完成栏目迁移"],
            "supervision": ["每季度对各市场监管所公示信息进行抽查"],
            "problems": ["依申请公开答复文书的说理还不够充分"],
            "measures": ["制定依申请公开答复文书范本，逐条说明法律依据"],
            "fee_collected": "no",
            "work_points": "确认",
            "proposals": "确认",
        },
    )


def township() -> Report:
    """A township government: no 规范性文件, two applications, a 政府门户网站 column."""
    return _report(
        "示例县示例镇人民政府",
        "township",
        _active((0, 0, 0), (0, 0, 0), 0, 5, 0, "0"),
        _table3(
            {"granted": [1, 0, 0, 0, 0, 0], "not_processed_petition": [1, 0, 0, 0, 0, 0]},
            ZERO6,
            ZERO6,
        ),
        _table4(),
        {
            "overview_intro": "本年度，我镇围绕乡村振兴和基层治理，重点做好惠农补贴、村务财务等信息的公开",
            "active_channels": ["portal", "noticeboard"],
            "active_count": {"portal": 36},
            "active_items": [
                "在政府门户网站乡镇专栏公开惠农补贴发放情况",
                "指导各村按季度在村务公开栏公开村级财务收支",
            ],
            "info_management": [
                "本年度未制发行政规范性文件，镇政府会议纪要等过程性信息按规定管理"
            ],
            "platform": ["维护好县政府门户网站乡镇专栏和便民服务中心公开栏"],
            "supervision": ["镇党政办公室负责政务公开日常工作，纳入各村年度考评"],
            "problems": ["村级公开栏内容规范性不一"],
            "measures": ["统一村务公开栏格式和更新时间"],
            "fee_collected": "no",
            "work_points": "确认",
            "proposals": "确认",
        },
    )


def busy_city_bureau() -> Report:
    """A city bureau with many applications, several reviews and lawsuits."""
    rows = {
        "granted": [55, 10, 2, 1, 3, 1],
        "partly_granted": [25, 4, 0, 0, 2, 0],
        "withheld_third_party": [5, 1, 0, 0, 0, 0],
        "withheld_process_info": [3, 1, 0, 0, 0, 0],
        "unavailable_not_held": [35, 3, 0, 0, 2, 1],
        "unavailable_needs_creation": [7, 1, 0, 0, 0, 1],
        "unavailable_unclear": [3, 0, 0, 0, 0, 0],
        "not_processed_petition": [8, 0, 0, 0, 0, 0],
        "not_processed_duplicate": [5, 0, 0, 0, 0, 0],
        "other_no_correction": [2, 0, 0, 0, 1, 1],
        "other": [2, 0, 0, 0, 0, 1],
    }
    return _report(
        "示例市住房和城乡建设局",
        "prefecture",
        _active((1, 0, 12), (6, 2, 48), 3560, 214, 9, "0"),
        _table3(rows, [7, 2, 0, 0, 0, 0], [7, 2, 0, 0, 0, 0]),
        _table4([4, 1, 0, 1], [2, 0, 0, 1], [1, 0, 0, 0]),
        {
            "overview_intro": "本年度，我局围绕保障性住房建设、城市更新和建筑市场监管，持续加大政府信息公开力度",
            "active_channels": ["portal", "wechat", "press"],
            "active_count": {"portal": 1120, "wechat": 486},
            "active_items": [
                "公开保障性租赁住房项目清单和分配结果",
                "按月公布商品房预售许可和房屋交易信息",
                "举办城市更新政策新闻发布会3场",
            ],
            "info_management": [
                "修订政府信息公开审核发布办法，明确三级审核责任",
                "对现行有效的48件规范性文件统一编号并集中公开",
            ],
            "platform": ["门户网站开设“城市更新”专题", "上线住房保障资格网上查询功能"],
            "supervision": ["开展依申请公开案卷评查，逐件复核答复文书", "组织全局政务公开培训2次"],
            "problems": [
                "依申请公开数量增长较快，部分答复的说理不够充分",
                "个别答复在行政复议中被纠正，暴露出审查把关不严",
            ],
            "measures": ["建立疑难申请集体会商制度", "对答复文书实行法制机构审核"],
            "fee_collected": "no",
            "work_points": "我局对照市政务公开工作要点明确的18项任务建立台账，逐月调度，年底全部完成",
            "proposals": "本年度我局承办市人大代表建议26件、市政协提案31件，办理复文均已在门户网站公开",
        },
    )


PROFILES = {
    "nothing_received": nothing_received,
    "all_granted": all_granted,
    "only_unavailable": only_unavailable,
    "township": township,
    "busy_city_bureau": busy_city_bureau,
}
