"""Drafts for tests beyond the built-in sample: :func:`maximal_draft`.

The maximal draft fills the form to its limits and is free of errors (warnings allowed): 60
project members with synthetic, valid identity numbers of every document type; capability of
exactly 1000 字 and plan of exactly 2000 字 (``forms.text.count_zi``); names with rare and
Ext-B characters (:data:`ext_b_names`); every optional field left empty, so 无 prints; a long
park name with its management company; eight partners; and two attachments — a three-page PDF
(portrait, landscape, portrait) and a PNG image — built here, reproducibly.

Other test modules import it: keep the API stable (``maximal_draft() -> Draft``,
``ext_b_names``, ``RARE_NAME_CHARS``, ``CAPABILITY_ZI``, ``PLAN_ZI``, ``PDF_ATTACHMENT_TEXTS``).
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache

from forms.draft import FORMAT, VERSION, Draft, draft_from_document
from forms.text import count_zi
from tests.forms.idgen import make_foreign_pr, make_hk_permit, make_id, make_uscc

CAPABILITY_ZI = 1000
PLAN_ZI = 2000
MEMBERS = 60
COVER_DATE = dt.date(2022, 5, 16)

#: Rare characters of personal names that every printer and font must carry.
RARE_NAME_CHARS = "喆堃䶮龑𠈌昇犇淼珺玥"
#: Names of the maximal draft with characters beyond the BMP (CJK Ext-B).
ext_b_names: tuple[str, ...] = ("王𠈌", "欧阳𠈌明", "𠈌喆")
_RARE_NAMES = ("张喆", "赵堃", "刘䶮", "李龑", "陈昇", "周犇", "吴淼", "郑珺", "孙玥")
_SURNAMES = "赵钱孙李周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
_GIVEN = ("建国", "晓峰", "丽华", "志强", "海燕", "伟", "静", "思远", "雨萱", "子涵", "浩然", "欣怡")

PDF_ATTACHMENT = "attachments/maximal-task-book.pdf"
PNG_ATTACHMENT = "attachments/maximal-certificate.png"
#: Text drawn on the pages of the PDF attachment (found again with pdftotext in the printout).
PDF_ATTACHMENT_TEXTS = ("Maximal attachment page one", "Maximal attachment page two (landscape)",
                        "Maximal attachment page three")

_SENTENCES = (
    "联合体围绕集成电路、生物医药和人工智能三大先导产业开展高价值专利培育与转化运营。",
    "申报单位与高校、科研院所共建知识产权联合实验室，明确知识产权权属和收益分配机制。",
    "2021年完成专利许可、转让和作价入股共计46次，成交金额同比增长32%。",
    "建立专利导航与预警分析平台，形成PCT国际专利申请布局方案和重点技术专利组合。",
    "运营团队由专利代理师、技术经纪人和法律顾问组成，定期开展运营实务能力培训。",
    "园区内集聚创新主体超过120家，产业链关键节点拥有领军企业和专业服务机构。",
    "通过质押融资、许可备案和进场交易，推动产学研合作成果以多种方式流转和价值实现。",
    "𠈌字等生僻字也应原样打印并可复制。",
)


def exact_zi_text(n: int, *, paragraph_every: int = 4) -> str:
    """Chinese text of exactly ``n`` 字 (Word's count), in paragraphs, ending with 。"""
    parts: list[str] = []
    k = 0
    text = ""
    while count_zi(text) < n:
        sentence = _SENTENCES[k % len(_SENTENCES)]
        parts.append(sentence)
        k += 1
        if k % paragraph_every == 0:
            parts.append("\n")
        text = "".join(parts)
    text = text.rstrip("\n")
    while count_zi(text) > n - 1:
        text = text[:-1].rstrip("\n")
    while count_zi(text) < n - 1:
        text += "的"
    text += "。"
    assert count_zi(text) == n, (count_zi(text), n)
    return text


def _member(i: int) -> dict:
    """Member ``i`` (0-based): every 4th leaves all optional fields empty (prints 无)."""
    rare = _RARE_NAMES + ext_b_names
    if i < len(rare):
        name = rare[i]
    elif i == 20:
        name = "阿卜杜勒·艾尼"
    elif i == 21:
        name = "克里斯蒂安·约翰内斯·冯·霍恩海姆-施泰因巴赫"
    else:
        name = _SURNAMES[i % len(_SURNAMES)] + _GIVEN[i % len(_GIVEN)]
    birth = dt.date(1960 + i % 35, 1 + i % 12, 1 + (i * 7) % 28)
    if i == 10:
        id_type, number = "港澳台居民居住证", make_hk_permit(birth=birth, seq=i)
    elif i == 11:
        id_type, number = "外国人永久居留身份证", make_foreign_pr(birth=birth, seq=i)
    elif i == 12:
        id_type, number = "护照或其他", f"E{12345670 + i}"
    else:
        id_type, number = "居民身份证", make_id(region=("310104", "310115", "320102", "110105")[i % 4],
                                                 birth=birth, seq=100 + i, sex="男" if i == 0 else None)
    member = {"name": name, "id_type": id_type, "id_number": number, "department": "", "title": "",
              "education": "", "specialty": "",
              "task": f"第{i + 1}项任务：专利导航、高价值专利培育与许可转让对接" if i % 5 else "资金管理"}
    if i % 4:
        member.update(department=("知识产权运营中心", "研发中心", "法务部", "财务部")[i % 4],
                      title=("高级工程师", "专利代理师", "技术经纪人", "会计师")[i % 4],
                      education=("博士研究生", "硕士研究生", "大学本科")[i % 3],
                      specialty=("集成电路设计", "生物医药", "人工智能", "知识产权管理")[i % 4])
    if i == 7:
        member["task"] = ("负责联合体专利池的组建与动态维护，组织专利价值评估、许可定价与交易谈判，"
                          "对接上海知识产权交易中心和上海技术交易所完成进场交易，并按季度统计成交金额与实际到账金额")
    return member


def _png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 850), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, 1170, 820), outline=(160, 20, 20), width=12)
    draw.ellipse((450, 250, 750, 550), outline=(200, 0, 0), width=10)
    for y in range(600, 800, 40):
        draw.line((120, y, 1080, y), fill=(60, 60, 60), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(150, 150))
    return out.getvalue()


def _pdf() -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from pdf.fonts import SONG, register_fonts

    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1, initialFontName=SONG)
    for k, text in enumerate(PDF_ATTACHMENT_TEXTS):
        size = landscape(A4) if k == 1 else A4
        canvas.setPageSize(size)
        canvas.setFont(SONG, 18)
        canvas.drawString(72, size[1] - 100, text)
        canvas.drawString(72, size[1] - 130, "项目任务书（测试用附件）")
        canvas.setLineWidth(3)
        canvas.rect(36, 36, size[0] - 72, size[1] - 72)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@cache
def _attachment_files() -> dict[str, bytes]:
    return {PDF_ATTACHMENT: _pdf(), PNG_ATTACHMENT: _png()}


def maximal_document() -> dict:
    """The maximal draft as draft JSON data (spec §4)."""
    members = [_member(i) for i in range(MEMBERS)]
    leader = members[0]
    person = {"name": leader["name"], "id_type": leader["id_type"], "id_number": leader["id_number"],
              "phone": "13912345678", "email": "zhang.zhe.project-leader@research.example.org.cn"}
    data = {
        "cover": {"date": COVER_DATE.isoformat()},
        "unit": {
            "type": "科技型园区",
            "name": "上海张江高科技园区集成电路产业创新联合体示范园区；上海张江高新技术产业园区开发运营管理有限公司",
            "nature": "企业",
            "nature_other": "",
            "credit_code": make_uscc(division="310115", org_body="MA1FL2B3"),
            "bank_exempt": True,
            "bank_name": "",
            "bank_account": "",
            "address": "上海市浦东新区张江镇科苑路88号德国中心2号楼15层1501—1508室（张江科学城）",
            "postcode": "201203",
            "business_scope": exact_zi_text(180),
            "partners": [
                {"name": name, "kind": kind, "since": since}
                for name, kind, since in (
                    ("复旦大学微电子学院", "高校", 2015), ("上海交通大学电子信息与电气工程学院", "高校", 2016),
                    ("同济大学", "高校", 2017), ("中国科学院上海微系统与信息技术研究所", "科研院所", 2014),
                    ("上海集成电路研发中心有限公司", "企业", 2018), ("上海市知识产权服务中心", "其他", 2016),
                    ("华东师范大学", "高校", 2019), ("上海微技术工业研究院", "科研院所", 2018),
                )
            ],
        },
        "people": {
            "legal_rep": {"name": "欧阳𠈌明", "id_type": "居民身份证",
                          "id_number": make_id(region="310115", birth=dt.date(1966, 8, 8), seq=8, sex="男"),
                          "phone": "021-50801234-8001", "email": "legal@zjpark.example.com"},
            "leader": person,
            "contact": {"name": "䶮龑", "id_type": "居民身份证",
                        "id_number": make_id(region="310110", birth=dt.date(1995, 2, 28), seq=33, sex="女"),
                        "phone": "18612345678", "email": "contact@zjpark.example.com"},
        },
        "capability": exact_zi_text(CAPABILITY_ZI),
        "plan": exact_zi_text(PLAN_ZI, paragraph_every=3),
        "team": {
            "leader": {"gender": "男", "education": "博士研究生", "title": "教授级高级工程师/主任",
                       "specialty": "集成电路设计与知识产权运营", "department": "园区知识产权运营服务中心",
                       "position": "主任", "landline": ""},
            "members": members,
        },
        "opinion": {"date": None},
        "attachments": [
            {"title": "承担的相关项目任务书（三页，含横向页）", "category": "任务书及成果证明", "file": PDF_ATTACHMENT},
            {"title": "园区荣誉证书扫描件", "category": "资质证书", "file": PNG_ATTACHMENT},
        ],
    }
    return {"format": FORMAT, "version": VERSION, "form": "shanghai-ip-consortium-2022", "data": data}


def maximal_draft() -> Draft:
    """A fresh copy of the maximal draft (callers may modify it)."""
    draft = draft_from_document(maximal_document(), load_files=False)
    draft.files.update(_attachment_files())
    return draft


__all__ = ["CAPABILITY_ZI", "PDF_ATTACHMENT", "PDF_ATTACHMENT_TEXTS", "PLAN_ZI", "PNG_ATTACHMENT",
           "RARE_NAME_CHARS", "ext_b_names", "exact_zi_text", "maximal_document", "maximal_draft"]
