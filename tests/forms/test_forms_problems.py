"""Problems a person can act on (issue 8, item 11): every problem says where it is in the words of
the printed form (``where``) and whose field it is; ``leader_not_in_members`` says what differs;
every message comes from one template per code (forms.messages); RenderRefused carries problems.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from forms import messages
from forms.definition import DefinitionError as DefinitionErrorFromDefinition
from forms.definition import get_form
from forms.problems import CODES, DefinitionError, Finding, Problem, RenderRefused
from forms.validate import validate, validate_field
from tests.forms.idgen import make_id
from tests.forms.test_validate import TODAY, build, wrong_last

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"


def one(draft, path: str, code: str) -> Problem:
    [p] = [p for p in validate(draft, TODAY) if p.path == path and p.code == code]
    return p


# ------------------------------------------------------------------------------ where


@pytest.mark.parametrize(("path", "where"), [
    ("people.leader.id_number", "一、申报单位基本信息 › 项目负责人 › 身份证号码"),
    ("people.legal_rep.phone", "一、申报单位基本信息 › 单位法人 › 电话（手机）"),
    ("unit.name", "一、申报单位基本信息 › 申报单位"),
    ("unit.address", "一、申报单位基本信息 › 通信地址（邮政编码）"),
    ("unit.nature_other", "一、申报单位基本信息 › 其他单位性质"),  # printed: false: its own label
    ("unit.partners[1].since", "一、申报单位基本信息 › 产学研合作单位 第 2 行 › 合作起始年份"),
    ("capability", "二、申报单位承担项目能力基本情况"),
    ("plan", "三、项目实施方案、资金安排和绩效目标 › 产学研运营联合体工作方案"),
    ("team.leader.gender", "四、项目组成员信息 › 项目负责人 › 性别"),
    ("team.leader.landline", "四、项目组成员信息 › 项目负责人 › 固定电话"),
    ("team.members", "四、项目组成员信息 › 项目组全部成员"),
    ("team.members[2].name", "四、项目组成员信息 › 项目组全部成员 第 3 行 › 姓名"),
    ("team.members[0].id_number", "四、项目组成员信息 › 项目组全部成员 第 1 行 › 身份证号码"),
    ("cover.date", "封面 › 申报时间"),
    ("attachments[0].file", "附件清单 › 附件 第 1 行 › 文件"),
])
def test_where_names_the_place_as_the_printed_form_does(path: str, where: str) -> None:
    assert get_form().where(path) == where


def test_every_declared_path_has_a_place() -> None:
    form = get_form()
    for path in form.all_paths():
        assert form.where(path).strip(), path


def test_problems_carry_where_and_as_dict_has_it() -> None:
    number = make_id(region="310104", seq=7, sex="男")
    draft = build([("people.leader.id_number", wrong_last(number)), ("team.members[2].name", "")])
    checksum = one(draft, "people.leader.id_number", "id_checksum")
    assert checksum.where == "一、申报单位基本信息 › 项目负责人 › 身份证号码"
    required = one(draft, "team.members[2].name", "required")
    assert required.where == "四、项目组成员信息 › 项目组全部成员 第 3 行 › 姓名"
    as_json = json.loads(json.dumps(required.as_dict(), ensure_ascii=False))
    assert as_json["where"] == required.where
    # The one-field check (the editor's keystroke path) says the same.
    assert checksum in validate_field(draft, "people.leader.id_number", TODAY)


def test_rule_problems_carry_where() -> None:
    draft = build([("team.members[1].id_number", build().get("team.members[0].id_number"))])
    dup = one(draft, "team.members[1].id_number", "duplicate_id")
    assert dup.where == "四、项目组成员信息 › 项目组全部成员 第 2 行 › 身份证号码"


# ------------------------------------------------------------------------------ whose


def test_format_messages_say_whose_field_it_is() -> None:
    number = make_id(region="310104", seq=7, sex="男")
    draft = build([("people.leader.id_number", wrong_last(number)),
                   ("people.contact.phone", "12345"),
                   ("team.members[2].id_number", "1234"),
                   ("people.legal_rep.email", "x@")])
    assert one(draft, "people.leader.id_number", "id_checksum").message.startswith("项目负责人的身份证号码")
    assert "项目联系人的电话（手机）" in one(draft, "people.contact.phone", "phone_format").message
    assert one(draft, "team.members[2].id_number", "id_format").message.startswith(
        "项目组全部成员第 3 行的身份证号码")
    assert "单位法人的电子邮箱" in one(draft, "people.legal_rep.email", "email_format").message


def test_id_messages_name_the_document_type() -> None:
    draft = build([("team.members[1].id_type", "港澳台居民居住证"), ("team.members[1].id_number", "81000019")])
    msg = one(draft, "team.members[1].id_number", "id_format").message
    assert msg.startswith("项目组全部成员第 2 行的港澳台居民居住证号码")


def test_messages_never_echo_a_huge_value() -> None:
    draft = build([("unit.nature", "央" * 150)])
    msg = one(draft, "unit.nature", "choice_invalid").message
    assert len(msg) < 200 and "…" in msg


# ------------------------------------------------------------------------------ leader


def test_leader_not_in_members_when_nobody_matches() -> None:
    leader = build().get("people.leader.id_number")
    other = make_id(region="310106", seq=31, sex="女")
    draft = build([("team.members[0].id_number", other), ("team.members[0].name", "另一人")])
    p = one(draft, "team.members", "leader_not_in_members")
    assert "请补充" in p.message and leader not in p.message
    assert p.where == "四、项目组成员信息 › 项目组全部成员"


def test_leader_listed_by_name_with_another_number_says_what_differs() -> None:
    other = make_id(region="310106", seq=31, sex="女")
    draft = build([("team.members[0].id_number", other)])  # member 1 is the leader, by name
    p = one(draft, "team.members", "leader_not_in_members")
    name = build().get("people.leader.name")
    assert "请补充" not in p.message
    assert name in p.message and "第 1 行" in p.message and "证件号码不同" in p.message


# ------------------------------------------------------------------------------ templates


def test_every_template_belongs_to_a_code_and_every_code_has_one() -> None:
    codes = {messages.code_of(key) for key in messages.TEMPLATES}
    assert codes == set(CODES)


def test_templates_fill_in() -> None:
    # Every field a template names can be filled: no stray braces, no positional fields.
    for key, template in messages.TEMPLATES.items():
        names = {m.group(1) for m in re.finditer(r"\{([^{}]*)\}", template)}
        assert all(re.fullmatch(r"[a-z_]+", n) for n in names), (key, names)
        assert Finding.of(key, **{n: "X" for n in names}).code == messages.code_of(key)


def _literal_messages(tree: ast.AST) -> list[int]:
    """Lines where a Finding or Problem is built with a literal Chinese message."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "Finding", "Problem"):
            for arg in node.args[1:]:
                text = ast.unparse(arg)
                if re.search(r"[\u4e00-\u9fff]", text):
                    lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("module", ["validate", "rules", "fieldtypes", "idnumbers", "coverage", "attachments"])
def test_checks_write_no_sentences_of_their_own(module: str) -> None:
    tree = ast.parse((FORMS_DIR / f"{module}.py").read_text(encoding="utf-8"))
    assert _literal_messages(tree) == []


def test_message_helpers() -> None:
    assert messages.subject("身份证号码", "项目负责人") == "项目负责人的身份证号码"
    assert messages.subject("统一社会信用代码") == "统一社会信用代码"
    assert messages.shown("x" * 41) == "x" * 40 + "…"
    assert messages.megabytes(20 * 1024 * 1024) == "20 MB"
    assert messages.megabytes(20 * 1024 * 1024 + 1) == "20.1 MB"
    assert messages.megabytes(int(20.3 * 1024 * 1024)) == "20.3 MB"


# ------------------------------------------------------------------------------ contract C3


def test_render_refused_carries_problems() -> None:
    p = Problem("unit.name", "required", "请填写“申报单位”。", "一、申报单位基本信息 › 申报单位")
    exc = RenderRefused("有错误，不能打印", problems=[p])
    assert str(exc) == "有错误，不能打印" and exc.problems == (p,)
    assert RenderRefused("x").problems == ()
    assert isinstance(exc, ValueError)


def test_definition_error_lives_beside_problem() -> None:
    assert DefinitionErrorFromDefinition is DefinitionError


def test_problem_where_defaults_empty() -> None:
    p = Problem("unit.name", "required", "请填写。")
    assert p.where == "" and p.as_dict()["where"] == ""
