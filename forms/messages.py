"""Every problem message, in one place: one template per problem code (and per variant of it).

After pyxform's ``errors``/``constants`` modules: the checks never write a sentence themselves,
they name a template and fill in its fields. A key is a problem code (``phone_format``) or a code
and a variant (``id_format.length``); the part before the dot is the code the message belongs to.

Conventions of the fields:

- ``{subject}``: whose field it is and what it is, as a clerk reads it — ``项目负责人的身份证号码``,
  ``项目组全部成员第 3 行的姓名``, ``统一社会信用代码`` (see :func:`subject`).
- ``{value}``: the value as typed, shortened by :func:`shown` (a message never echoes 100,000
  characters back).
"""

from __future__ import annotations

TEMPLATES: dict[str, str] = {
    # -- any field ----------------------------------------------------------------------------
    "required": "请填写“{subject}”。",
    "required.list": "请至少填写一行“{subject}”。",
    "too_long": "“{subject}”最多 {limit} 个字符，当前 {count} 个，请精简。",
    "too_long.name": "{subject}最多 {limit} 个字，当前 {count} 个。",
    "too_long.para": "“{subject}”限 {limit} 字以内（按 Word 字数统计），当前 {count} 字，"
                     "请删减 {excess} 字，详细内容可作为附件附后。",
    "choice_invalid": "“{subject}”只能选择：{options}；当前为“{value}”。",
    "unrenderable_char": "{subject}中的字符 {chars} 无法打印（字库中没有，如表情符号或自造字），"
                         "请删除或改用常用字。",
    # -- numbers and codes --------------------------------------------------------------------
    "postcode_format": "{subject}应为 6 位数字，当前为“{value}”。",
    "postcode_not_shanghai": "{subject} {value} 不在上海市范围（200000–202199）内，请核对通信地址。",
    "account_format": "{subject}应为 6–32 位数字（可含空格，保存时去除），当前为“{value}”（{count} 位）。",
    "phone_format": "{subject}“{value}”格式不对：手机号应为 11 位（1 开头），固定电话应带区号，如 021-12345678。",
    "email_format": "{subject}“{value}”格式不对，应类似 name@example.com。",
    # -- identity document numbers (forms.idnumbers) -----------------------------------------
    "id_format.length": "{subject}应为18位（17位数字，最后一位是数字或 X），当前为 {count} 位，请核对。",
    "id_format.char": "{subject}第 {pos} 位{char}不符合要求：该位只能是{allowed}。",
    "id_format.old_resident": "{subject}是旧的15位号码，已停止使用，请填写18位的第二代居民身份证号码。",
    "id_format.old_foreign": "{subject}是旧版15位号码（3位字母加12位数字），"
                             "请填写新版以 9 开头的18位号码（见新版证件或换发后的证件）。",
    "id_format.foreign_first": "{subject}应为以 9 开头的18位新版号码，当前以「{first}」开头，请核对号码或证件类型。",
    "id_format.passport_char": "{subject}第 {pos} 位{char}不符合要求：护照或其他证件号码只能由英文字母和数字组成。",
    "id_format.passport_length": "{subject}应为5–20位英文字母和数字，当前为 {count} 位，请核对。",
    "id_checksum": "{subject}最后一位校验码应为 {expected}，请核对号码是否抄错。",
    "id_birth_date.invalid": "{subject}第7–14位的出生日期 {digits} 不是有效日期（{year}年{month}月{day}日不存在），请核对号码。",
    "id_birth_date.future": "{subject}中的出生日期 {born} 晚于今天，请核对号码。",
    "id_birth_date.too_old": "{subject}中的出生日期 {born} 表示年龄已超过 {max_age} 岁，请核对号码。",
    "id_region.resident": "{subject}前两位「{province}」不是有效的省级行政区划代码，请核对号码。{hint}",
    "id_region.hmt": "{subject}应以 810000（香港）、820000（澳门）或 830000（台湾）开头，"
                     "当前以 {prefix} 开头，请核对号码或证件类型。",
    # -- unified social credit code -----------------------------------------------------------
    "uscc_format.length": "{subject}应为18位，由数字和大写字母组成（不含 I、O、Z、S、V），当前为 {count} 位。",
    "uscc_format.char": "{subject}应为18位，由数字和大写字母组成（不含 I、O、Z、S、V）；第 {pos} 位{char}不允许{hint}。",
    "uscc_format.first": "{subject}第1位（登记管理部门代码）应为 1–9、A、N 或 Y，当前为「{first}」，请核对。",
    "uscc_checksum": "{subject}最后一位校验码应为 {expected}（当前为 {actual}），请核对代码是否抄错。",
    "uscc_not_shanghai": "{subject}第3–8位的登记机关行政区划码为 {division}，不是上海市（31 开头）"
                         "或国家级登记（100000）：本项目只受理本市注册登记的单位，请核对。",
    "uscc_org_code": "{subject}第9–17位的组织机构代码部分校验不符（{org}），"
                     "很可能有字符抄错，请与营业执照或登记证书核对。",
    # -- cross-field rules (forms.rules) ------------------------------------------------------
    "uscc_nature_mismatch.company": "单位性质为企业，但{subject}以“{prefix}”开头（企业一般为 91），请核对单位性质或代码。",
    "uscc_nature_mismatch.institution": "单位性质为{nature}，但{subject}以“{prefix}”开头（事业单位一般为 12），请核对。",
    "park_company_missing": "申报主体为科技型园区时，{subject}应写作“xx园区；xx公司”，补充园区管理公司名称{hint}。",
    "gender_mismatch": "{owner}的性别填为“{chosen}”，但身份证号码第 17 位表示“{derived}”，请核对。",
    "leader_not_in_members": "{owner}的证件号码不在“{members}”中，通常负责人也应列为成员，请补充。",
    "leader_not_in_members.number_differs": "“{members}”第 {row} 行的“{name}”与{owner}同名，但证件号码不同，"
                                            "请核对其中一个号码（如是同一人，两处应一致）。",
    "duplicate_id": "{members}第 {row} 行的证件号码与第 {first} 行重复，同一人只需填写一次。",
    "partnership_under_3_years": "与“{partner}”自 {since} 年起合作，至申报年份不足 {min_years} 年"
                                 "（申报条件要求合作期限 {min_years} 年以上）。",
    "year_invalid": "{subject} {year} 无效，应在 {earliest} 年到 {latest} 年（申报年份）之间。",
    # -- attachments --------------------------------------------------------------------------
    # {label}: 附件“name” — what forms.attachments.inspect_attachment was given
    "attachment_invalid.empty": "{label}是空文件（0 字节），请重新选择文件。",
    "attachment_invalid.size": "{label}大小为 {size}，超过 {limit} 的上限，请压缩或拆分后再添加。",
    "attachment_invalid.kind": "{label}看起来是{what}，不是 PDF、PNG 或 JPEG 文件。"
                               "附件只接受 PDF、PNG、JPEG 格式的文件，请先转换（例如另存为 PDF）后再添加。",
    "attachment_invalid.unreadable_content": "{label}无法读取，文件可能已损坏。附件只接受 PDF、PNG、JPEG 格式的文件。",
    "attachment_invalid.pdf_broken": "{label}不是有效的 PDF 文件（文件已损坏或不完整），无法读取。请重新导出或重新下载后再添加。",
    "attachment_invalid.pdf_truncated": "{label}的 PDF 文件不完整（缺少文件结尾），可能在下载或复制时被截断。"
                                        "请重新导出或重新下载后再添加。",
    "attachment_invalid.pdf_encrypted": "{label}是加密的 PDF 文件（设置了打开密码或权限密码），程序无法读取和打印。"
                                        "请提供未加密的 PDF。",
    "attachment_invalid.pdf_no_pages": "{label}是一个没有任何页面的 PDF 文件，请检查后重新添加。",
    "attachment_invalid.pdf_pages": "{label}有 {count} 页，超过 {limit} 页的上限，请拆分后再添加。",
    "attachment_invalid.pdf_page_size": "{label}第 {page} 页没有有效的页面尺寸，无法打印。",
    "attachment_invalid.pdf_page_broken": "{label}第 {page} 页的内容已损坏，无法读取。请重新导出或重新下载后再添加。",
    "attachment_invalid.pdf_bomb": "{label}的页面内容过于庞大或复杂（解压后超过 {limit}或检查超过 {seconds} 秒），"
                                   "无法打印。请重新导出为普通 PDF 后再添加。",
    "attachment_invalid.image_broken": "{label}的 {kind} 图片已损坏或不完整，无法读取。请重新导出或重新下载后再添加。",
    "attachment_invalid.image_mode": "{label}的图片颜色模式（{mode}）无法打印，"
                                     "请另存为普通的 RGB 彩色或灰度 PNG/JPEG 图片后再添加。",
    "attachment_invalid.image_pixels": "{label}的图片尺寸{size}，超过 {limit}的上限。请缩小图片后再添加。",
    # {subject}: the attachment row (附件第 1 行) — files a draft holds or a draft JSON names
    "attachment_invalid.missing": "{subject}的文件“{name}”不在草稿中（附件文件缺失），请重新选择该文件。",
    "attachment_invalid.not_found": "{subject}的文件“{name}”找不到（草稿 JSON 文件所在的文件夹中没有它），"
                                    "请把文件放到该文件夹中或重新选择。",
    "attachment_invalid.outside": "{subject}的文件“{name}”不在草稿 JSON 文件所在的文件夹内，为安全起见没有读取，"
                                  "请把文件放到该文件夹中或重新选择。",
    "attachment_invalid.link_outside": "{subject}的文件“{name}”是指向草稿 JSON 文件所在文件夹以外的链接，"
                                       "为安全起见没有读取，请选择文件本身。",
    "attachment_invalid.not_regular": "{subject}的文件“{name}”是{what}，不是普通文件，请重新选择 PDF、PNG 或 JPEG 文件。",
    "attachment_invalid.too_large": "{subject}的文件“{name}”过大（{size}），上限 {limit}，请压缩或拆分后再添加。",
    "attachment_invalid.unreadable": "{subject}的文件“{name}”无法读取（{reason}），请重新选择文件。",
}

#: A value longer than this is shown shortened in messages.
SHOWN_CHARS = 40


def shown(value: object) -> str:
    """A value as a message shows it: at most :data:`SHOWN_CHARS` characters, then “…”."""
    text = str(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def subject(label: str, owner: str = "") -> str:
    """Whose field and which: ``subject("身份证号码", "项目负责人")`` → ``项目负责人的身份证号码``."""
    return f"{owner}的{label}" if owner else label


def code_of(key: str) -> str:
    """The problem code a template key belongs to (``id_format.length`` → ``id_format``)."""
    return key.split(".", 1)[0]


def message(key: str, **fields: object) -> str:
    """The message of template ``key`` with its fields filled in."""
    return TEMPLATES[key].format(**fields)


def megabytes(size: int) -> str:
    """A size in MB with one decimal, rounded up, so that a file just over a limit never shows
    as the limit itself: 20 MB + 1 byte → ``20.1 MB``; exactly 20 MB → ``20 MB``."""
    tenths = -(-size * 10 // (1024 * 1024))
    return f"{tenths // 10} MB" if tenths % 10 == 0 else f"{tenths / 10:.1f} MB"
