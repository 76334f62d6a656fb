"""The example report (黔西南州工业和信息化局 2023: the figures of seed-2023.yaml) drafted
through the chat as an officer does it: each paragraph pasted as it would appear in a
published text, with its headings, its own numbering and half-width commas. The prose
is ours, written in that style (never copied from a published report)."""

from __future__ import annotations

from tests.helpers.chat_script import SEED_SESSION

SECTION_ONE = """2023年,黔西南州工业和信息化局以《中华人民共和国政府信息公开条例》为遵循,紧扣全州工业经济运行和企业服务工作,健全公开制度、规范发布流程、拓展公开渠道,政府信息公开工作平稳有序推进。
（一）主动公开方面。一是依托门户网站集中发布工业经济运行、园区建设、中小企业服务等信息,全年累计发布150条。二是及时调整领导分工、机构职能、办公地址等机构信息,确保与实际一致。三是利用“黔西南州工业和信息化局”微信公众号推送政策动态和通知公告67条。
（二）依申请公开方面。全年共收到政府信息公开申请1件,申请人为公民,经审查属于本机关不掌握的信息,已在法定时限内规范答复,未向申请人收取任何费用,未发生行政复议和行政诉讼。
（三）政府信息管理方面。严格落实信息发布“三审三校”制度,由科室初审、分管领导复审、主要领导终审后方可发布;同步做好公开目录的日常维护。
（四）政府信息公开平台建设方面。对门户网站栏目进行梳理调整,合并内容重复的栏目,做好各栏目日常更新,保持平台信息准确完整。
（五）监督保障方面。我局由办公室统筹全局政府信息公开工作,各科室明确一名信息员,按月报送公开信息,局领导定期听取工作情况汇报。"""

PROBLEMS = """五、存在的主要问题及改进情况
2023年,我局政府信息公开工作虽有进步,但对照群众期待仍有差距,主要是公开形式比较单一,政策宣传覆盖面不够广。"""

MEASURES = (
    "2024年,将着重做好以下工作:2024年,我局将在州政务公开领导小组的统一部署下,"
    "进一步压实工作责任,推动政府信息公开工作再上台阶。"
    "一是抓好业务学习,组织科室人员系统学习《条例》及配套文件,提高业务能力。"
    "二是加强宣传引导,通过多种渠道宣传《条例》,引导群众依法获取政府信息。"
    "三是丰富解读形式,运用图解、短视频等方式解读涉企政策。"
)

EXAMPLE_SESSION = [
    *SEED_SESSION[:4],  # agency, level, region, year
    SECTION_ONE,  # the whole of 一、总体情况, pasted at its first question
    "确认",  # split at its sub-headings
    "1 2",  # channels: 门户网站, 政务微信公众号
    "150 67",
    *SEED_SESSION[11:21],  # tables 二 to 四, as in the seed session
    "跳过",  # no rectification (no report of last year)
    PROBLEMS,
    MEASURES,
    "2",  # no 信息处理费
    "政务公开工作要点落实情况:无。",  # as printed, a label and 无
    "无",
    "跳过",
    "跳过",
]

# the same, one paragraph at a time: each pasted at its own question with its heading,
# and （二）, which no question asks, pasted over the composed paragraph with 修改
PARAGRAPHS = SECTION_ONE.split("\n")
EXAMPLE_BY_PARAGRAPH = [
    *SEED_SESSION[:4],
    PARAGRAPHS[0],
    "1 2",
    "150 67",
    PARAGRAPHS[1],
    *PARAGRAPHS[3:6],
    *EXAMPLE_SESSION[8:],
    "修改 （二）",
    PARAGRAPHS[2],
]
