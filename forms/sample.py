"""The built-in sample: a realistic, wholly fictional Shanghai applicant.

Every field is filled and the draft has no errors and no warnings; it is the editor's demo and the
golden draft of the printed PDF. All identity numbers, credit codes and accounts are synthesised
here with valid check characters — none belongs to a real person or body.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from forms.coverage import resources_dir
from forms.draft import FORMAT, VERSION, Draft, draft_from_document
from forms.idnumbers import id_check_char, org_code_check_char, uscc_check_char

SAMPLE_DIR = resources_dir() / "sample"
SAMPLE_ATTACHMENT = "sample-attachment.pdf"


def synth_id(region: str, birth: dt.date, seq: int, male: bool) -> str:
    """An 18-digit 居民身份证 number with a valid check character (synthetic)."""
    order = seq * 10 + (1 if male else 2) if seq < 100 else seq
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + id_check_char(body)


def synth_uscc(authority: str, division: str, org8: str) -> str:
    org = org8 + org_code_check_char(org8)
    body = authority + division + org
    return body + uscc_check_char(body)


CAPABILITY = """\
上海临港芯链科技有限公司成立于2013年，注册资本5000万元，是一家专注于集成电路设计服务与知识产权运营的高新技术企业，已通过国家知识产权管理体系（GB/T 29490）认证，入选上海市专利工作试点企业。

人员构成：公司现有员工186人，其中研发人员112人，占60.2%；博士15人、硕士68人；专职知识产权工作人员6人，其中专利代理师3人、技术经纪人2人。

产学研合作情况：公司自2016年起与申江大学微电子学院共建“集成电路知识产权联合实验室”，自2017年起与上海浦芯微电子有限公司开展芯片封装测试专利协同布局，自2018年起与上海集成电路材料研究所合作开展第三代半导体材料专利培育，三方签订了为期五年的产学研合作协议，明确了知识产权权属和收益分配方式。

知识产权运营能力：公司累计拥有有效发明专利147件、集成电路布图设计登记52件、PCT国际专利申请23件；建有专利信息检索分析平台，每年完成重点技术领域专利导航报告2份以上。

运营转化成效：2019年至2021年，公司及合作单位累计完成专利许可31次、转让18次、作价入股2次，成交金额合计4860万元，实际到账金额4120万元；办理专利质押融资2笔，登记金额3000万元；受益中小微企业27家。

所获荣誉：中国专利优秀奖1项、上海知识产权创新奖1项、上海市科学技术奖二等奖1项。"""

PLAN = """\
一、建设任务
（一）提升专利质量。围绕集成电路设计、封装测试和第三代半导体材料三条技术主线，联合申江大学、上海集成电路材料研究所开展高价值专利培育，每年形成高价值专利组合2个以上，新增PCT国际专利申请不少于10件，优化美国、欧洲、日本、韩国的专利布局。
（二）开展转化运营。建立联合体专利池，推动产学研合作产生的专利以许可、转让、作价入股、质押融资等方式流转；每年组织专利供需对接活动4场以上，面向园区中小微企业开放许可不少于30件。
（三）健全管理体系。制定《联合体知识产权运营管理办法》《产学研知识产权权属与收益分配细则》和联席会议沟通协调制度，配备专职知识产权运营人员不少于6人，每年组织运营实务培训不少于4次。
（四）优化备案登记。引导联合体内创新主体在上海知识产权交易中心或上海技术交易所完成许可转让进场交易，及时办理许可备案、转让变更和质押登记。
（五）做好绩效统计。建立全流程知识产权产学研运营工作台账，按季度统计许可、转让、作价入股的成交金额与实际到账金额及受益中小微企业情况，定期向市、区知识产权局报送年度工作报告和数据统计报告。

二、管理运行机制
成立由三方分管领导组成的联合体管理委员会，下设运营办公室，负责日常运营、台账管理和绩效统计；实行重大事项联席会议制度，每季度召开一次；建立联合体知识产权运营重点协作单位名录，动态更新。

三、进度安排
2022年4月至2022年12月：完成制度建设、专利池组建和首批专利评估，完成许可转让10次以上；
2023年1月至2023年9月：全面开展转化运营，完成专利质押融资登记1笔以上；
2023年10月至2023年12月：总结评估，形成年度工作报告和绩效报告，推送项目申报中国专利奖和上海知识产权创新奖。

四、资金使用计划
项目总投入300万元，其中申请资助100万元，单位自筹200万元：专利导航与高价值专利培育90万元，专利运营对接与交易服务80万元，运营人才培训40万元，信息平台建设60万元，其他费用30万元。资金专款专用，单独核算。

五、绩效目标
任务期内，联合体开展专利许可、转让、作价入股的次数、专利数量、成交金额、实际到账金额年均增幅不少于30%；专利质押融资登记项目和登记金额明显提升，专利实施许可合同备案率达到90%以上；建立一份联合体知识产权运营重点协作单位名录和一套全流程工作台账；推送2项以上专利申报中国专利奖、上海知识产权创新奖。

六、保障措施
公司主要负责人亲自挂帅，将联合体建设纳入年度重点工作；落实配套资金和办公场地；建立绩效考核与激励机制，对作出突出贡献的发明人和运营人员给予奖励；加强保密管理和风险防控，确保项目按期保质完成。"""


def sample_document() -> dict:
    """The sample as a draft JSON document (spec §4)."""
    people = {
        "legal_rep": {"name": "周立衡", "id_type": "居民身份证",
                      "id_number": synth_id("310104", dt.date(1968, 5, 12), 31, True),
                      "phone": "13800138000", "email": "zhou.liheng@example.com"},
        "leader": {"name": "林雨桐", "id_type": "居民身份证",
                   "id_number": synth_id("310115", dt.date(1982, 9, 3), 42, False),
                   "phone": "13800138001", "email": "lin.yutong@example.com"},
        "contact": {"name": "欧阳·晓岚", "id_type": "居民身份证",
                    "id_number": synth_id("310110", dt.date(1990, 1, 27), 18, False),
                    "phone": "021-58880000", "email": "ouyang.xiaolan@example.com"},
    }
    members = [
        {"name": "林雨桐", "id_type": "居民身份证", "id_number": people["leader"]["id_number"],
         "department": "知识产权运营中心", "title": "主任/高级工程师", "education": "博士研究生",
         "specialty": "集成电路设计", "task": "项目总体负责"},
        {"name": "陈昊", "id_type": "居民身份证",
         "id_number": synth_id("310101", dt.date(1985, 11, 20), 57, True),
         "department": "知识产权运营中心", "title": "副主任/专利代理师", "education": "硕士研究生",
         "specialty": "专利代理", "task": "高价值专利培育"},
        {"name": "王珺", "id_type": "居民身份证",
         "id_number": synth_id("310106", dt.date(1988, 2, 14), 23, False),
         "department": "法务部", "title": "法务经理", "education": "硕士研究生",
         "specialty": "知识产权法", "task": "许可转让合同与备案登记"},
        {"name": "赵堃", "id_type": "居民身份证",
         "id_number": synth_id("320102", dt.date(1987, 6, 30), 64, True),
         "department": "研发中心", "title": "工程师", "education": "硕士研究生",
         "specialty": "半导体材料", "task": "专利导航与布局分析"},
        {"name": "李玥", "id_type": "港澳台居民居住证",
         "id_number": synth_id("810000", dt.date(1991, 3, 8), 11, False),
         "department": "财务部", "title": "会计师", "education": "大学本科",
         "specialty": "财务管理", "task": "资金管理与绩效统计"},
        {"name": "孙喆", "id_type": "居民身份证",
         "id_number": synth_id("310112", dt.date(1993, 12, 5), 75, True),
         "department": "市场部", "title": "技术经纪人", "education": "大学本科",
         "specialty": "技术转移", "task": "供需对接与交易服务"},
    ]
    data = {
        "cover": {"date": "2022-04-20"},
        "unit": {
            "type": "企事业单位",
            "name": "上海临港芯链科技有限公司",
            "nature": "企业",
            "nature_other": "",
            "credit_code": synth_uscc("91", "310115", "MA1FL3K2"),
            "bank_exempt": False,
            "bank_name": "中国工商银行上海市张江科技支行",
            "bank_account": "1001 2800 0900 0012 345",
            "address": "上海市浦东新区张江路9999号3号楼501室",
            "postcode": "201203",
            "business_scope": "集成电路设计、技术开发、技术咨询、技术服务、技术转让；知识产权代理（除专利代理）；"
                              "知识产权运营服务；电子产品、半导体材料的销售。",
            "partners": [
                {"name": "申江大学", "kind": "高校", "since": 2016},
                {"name": "上海浦芯微电子有限公司", "kind": "企业", "since": 2017},
                {"name": "上海集成电路材料研究所", "kind": "科研院所", "since": 2018},
            ],
        },
        "people": people,
        "capability": CAPABILITY,
        "plan": PLAN,
        "team": {
            "leader": {"gender": "女", "education": "博士研究生", "title": "主任/高级工程师",
                       "specialty": "集成电路设计", "department": "知识产权运营中心",
                       "position": "主任", "landline": "021-58880001"},
            "members": members,
        },
        "opinion": {"date": "2022-04-20"},
        "attachments": [
            {"title": "知识产权管理体系认证证书（示例）", "category": "资质证书", "file": SAMPLE_ATTACHMENT},
        ],
    }
    return {"format": FORMAT, "version": VERSION, "form": "shanghai-ip-consortium-2022", "data": data}


def sample_draft() -> Draft:
    draft = draft_from_document(sample_document(), load_files=False)
    blob_path = SAMPLE_DIR / SAMPLE_ATTACHMENT
    try:
        draft.files[SAMPLE_ATTACHMENT] = blob_path.read_bytes()
    except OSError as exc:  # a broken installation: the sample would not be the valid demo
        raise RuntimeError(f"申报助手安装不完整：缺少示例附件 {blob_path}（{exc.strerror or exc}），请重新安装。") from None
    return draft


def write_sample(json_path: Path) -> list[Path]:
    """Write the sample JSON and its attachment file beside it; returns the files written."""
    from forms.draft import dump_draft_json
    from forms.fsutil import atomic_write_bytes, atomic_write_text

    json_path = Path(json_path)
    draft = sample_draft()
    written = [json_path]
    atomic_write_text(json_path, dump_draft_json(draft))
    for name, blob in draft.files.items():
        target = json_path.parent / name
        atomic_write_bytes(target, blob)
        written.append(target)
    return written
