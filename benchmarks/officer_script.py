"""What each officer of the season sends: a whole session for the 2023 report (the
figures of seed-2023.yaml, our prose), after ``/start``.

The tests play it too (``tests/helpers/chat_script.py`` takes it from here; the benchmark
never imports the tests), so a change of the conversation that breaks it fails the suite.
"""

from __future__ import annotations

SEED_SESSION = [
    # start: agency, level, region, year
    "黔西南州工业和信息化局",
    "3",
    "贵州省黔西南州",
    "2023",
    # 一、总体情况
    "本年度我局围绕工业经济中心工作推进政务公开，制度更健全，发布更规范。",
    "1 2",
    "150 67",  # 门户网站, 政务微信公众号: each channel its own figure
    "发布工业运行监测信息；更新领导分工与机构职能信息；在政务微信公众号推送信息67条",
    "落实信息发布三级审核；规范公开目录维护",
    "调整门户网站栏目设置；做好栏目日常更新",
    "办公室统筹协调；各科室按月报送信息",
    # 二、主动公开 (tables: 10 messages in all, 二 to 四)
    "0 0 0",
    "0 0 5",
    "0 0 0",
    "0",
    # 三、申请处理
    "1 0 0 0 0 0",
    "全部为0",
    "11",
    "1 0 0 0 0 0",
    "确认",
    # 四、复议诉讼
    "2",
    # 五
    "跳过",
    "信息发布形式较少；宣传力度不足",
    "加强业务学习；加大条例宣传；丰富政策解读形式",
    # 六
    "2",
    "按上级要点梳理任务并逐项落实",
    "无",
    "跳过",
    "跳过",
]
