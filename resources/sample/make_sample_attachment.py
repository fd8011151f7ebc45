"""Make resources/sample/sample-attachment.pdf: a fictional certificate used by the built-in
sample draft as its one attachment. Run: python resources/sample/make_sample_attachment.py"""

from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

rl_config.invariant = 1
HERE = Path(__file__).resolve().parent
FONTS = HERE.parent / "fonts"


def main() -> None:
    pdfmetrics.registerFont(TTFont("SampleSong", str(FONTS / "ShenbaoSong.ttf")))
    pdfmetrics.registerFont(TTFont("SampleHei", str(FONTS / "ShenbaoHei.ttf")))
    out = HERE / "sample-attachment.pdf"
    c = canvas.Canvas(str(out), pagesize=A4, invariant=1, initialFontName="SampleSong")
    w, h = A4
    c.setTitle("知识产权管理体系认证证书（示例）")
    c.setLineWidth(2)
    c.rect(20 * mm, 20 * mm, w - 40 * mm, h - 40 * mm)
    c.setFont("SampleHei", 26)
    c.drawCentredString(w / 2, h - 60 * mm, "知识产权管理体系认证证书")
    c.setFont("SampleSong", 14)
    lines = [
        "证书编号：SAMPLE-2021-0001（示例，虚构）",
        "兹证明 上海临港芯链科技有限公司",
        "知识产权管理体系符合 GB/T 29490-2013 标准要求。",
        "认证范围：集成电路设计及相关知识产权管理。",
        "有效期：2021年6月1日至2024年5月31日",
    ]
    y = h - 90 * mm
    for line in lines:
        c.drawCentredString(w / 2, y, line)
        y -= 12 * mm
    c.setFont("SampleSong", 11)
    c.drawCentredString(w / 2, 40 * mm, "本证书为申报助手内置示例的虚构材料，仅供演示。")
    c.showPage()
    c.save()


if __name__ == "__main__":
    main()
