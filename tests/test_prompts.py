"""The shipped prompt files load; a broken one stops start-up naming file, key and reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.conversation.flows import load_flow
from bot.format.catalogue import Catalogue, Code
from bot.format.model import load_model
from bot.format.yaml_loading import PROMPTS_DIR, PromptError

REPORT_YAML = PROMPTS_DIR / "report.yaml"


def test_shipped_model_is_the_official_format() -> None:
    m = load_model()
    assert [p.title for p in m.parts] == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert len(m.applications.rows) == 25
    assert len(m.applications.dispositions) == 21
    assert [c.label for c in m.applications.columns] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    assert m.applications.row("partly_granted").label == (
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    )
    assert [c.path for c in m.active_cells] == [
        "rules.issued",
        "rules.abolished",
        "rules.in_force",
        "normative_docs.issued",
        "normative_docs.abolished",
        "normative_docs.in_force",
        "licensing",
        "punishment",
        "enforcement",
        "fees_wan_yuan",
    ]
    assert all(cell.hint and cell.unit for cell in m.active_cells)
    assert all(row.hint for row in m.applications.rows + m.review_litigation.rows)


def broken(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(REPORT_YAML.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "key", "reason"),
    [
        (
            lambda d: d["applications"]["rows"][3].pop("label"),
            "applications.rows[3]",
            "missing required key 'label'",
        ),
        (
            lambda d: d["applications"]["rows"][4].update(lable="x"),
            "applications.rows[4]",
            "unknown key(s) lable",
        ),
        (
            lambda d: d["applications"]["rows"].append(dict(d["applications"]["rows"][0])),
            "applications.rows[25]",
            "duplicate name 'new'",
        ),
        (lambda d: d["parts"][0].update(kind="essay"), "parts[0].kind", "expected one of"),
        (lambda d: d["parts"].pop(), "parts", "exactly six parts"),
        (
            lambda d: d["active"]["groups"][0]["rows"][0]["cells"].pop(),
            "active.groups[0].rows[0].cells",
            "expected 3 cells",
        ),
        (
            lambda d: d["review_litigation"]["columns"][4].pop("computed"),
            "review_litigation.columns",
            "computed total",
        ),
    ],
)
def test_broken_model_names_file_key_reason(tmp_path: Path, edit, key: str, reason: str) -> None:
    path = broken(tmp_path, edit)
    with pytest.raises(PromptError) as excinfo:
        load_model(path)
    assert excinfo.value.path == str(path)
    assert excinfo.value.key == key
    assert reason in excinfo.value.reason


def test_not_yaml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "report.yaml"
    path.write_text("parts: [\n  - a\n", encoding="utf-8")
    with pytest.raises(PromptError) as excinfo:
        load_model(path)
    assert excinfo.value.key.startswith("line ")


def test_catalogue_has_every_code() -> None:
    catalogue = Catalogue.load()
    for code in Code:
        params = dict.fromkeys(catalogue.params(code), "x")
        assert catalogue.format(code, **params)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("FIG001:\n  name: n\n  text: 缺少{what}\n  params: [what, example]\n", "placeholders"),
        ("XYZ999:\n  name: n\n  text: t\n", "unknown message code"),
        ("FIG001:\n  name: n\n  txt: t\n", "unknown key(s) txt"),
    ],
)
def test_broken_catalogue(tmp_path: Path, text: str, reason: str) -> None:
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(PromptError) as excinfo:
        Catalogue.load(tmp_path)
    assert reason in str(excinfo.value)
    assert "a.yaml" in str(excinfo.value)


def test_catalogue_missing_codes(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("FIG001:\n  name: n\n  text: t\n", encoding="utf-8")
    with pytest.raises(PromptError, match="no text for message code"):
        Catalogue.load(tmp_path)


@pytest.mark.slow
def test_broken_prompt_stops_chat_at_start_up(tmp_path: Path, monkeypatch) -> None:
    """Should refuse to start the chat with one line naming file, key and reason."""
    import subprocess
    import sys

    from bot.conversation import words as vocabulary

    bad = tmp_path / "words.yaml"
    bad.write_text(
        "confirm: [确认]\nnone: [无]\nall_zero: [0]\nkeep: [保留]\nkeeep: []\n", encoding="utf-8"
    )
    monkeypatch.setattr(vocabulary, "PROMPTS_DIR", tmp_path)
    vocabulary.words.cache_clear()
    with pytest.raises(PromptError) as excinfo:
        vocabulary.words()
    vocabulary.words.cache_clear()
    assert "words.yaml" in str(excinfo.value)
    assert "keeep" in str(excinfo.value)
    proc = subprocess.run(
        [sys.executable, "-m", "bot.frontends.cli", "chat", "--db", str(tmp_path / "x.db")],
        input="",
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0  # the shipped prompts are fine


def test_a_question_named_like_a_built_in_step_stops_start_up(tmp_path: Path) -> None:
    for name in ("narrative.yaml", "tables.yaml"):
        (tmp_path / name).write_text((PROMPTS_DIR / name).read_text(encoding="utf-8"))
    path = tmp_path / "narrative.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- name: overview_intro", "- name: menu", 1), encoding="utf-8")
    with pytest.raises(PromptError) as excinfo:
        load_flow(tmp_path)
    assert excinfo.value.path == str(path)
    assert "'menu' is the name of a built-in step" in excinfo.value.reason
