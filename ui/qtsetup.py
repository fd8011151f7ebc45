"""Qt set-up shared by the editor and its tests: bundled fonts as the UI font, Qt's own zh_CN
translations (dialogs and context menus in Chinese), the window icon."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from forms.coverage import resources_dir

FONT_FILES = ("ShenbaoSong.ttf", "ShenbaoHei.ttf")
UI_FONT_POINT_SIZE = 10

_families: dict[str, str] = {}
_translators: list[QTranslator] = []


def register_fonts() -> dict[str, str]:
    """Register the bundled TrueType fonts with Qt once; file name -> family name."""
    if not _families:
        for name in FONT_FILES:
            path = resources_dir() / "fonts" / name
            font_id = QFontDatabase.addApplicationFont(str(path)) if path.is_file() else -1
            families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            if families:
                _families[name] = families[0]
    return dict(_families)


def song_family() -> str:
    return register_fonts().get("ShenbaoSong.ttf", "")


def hei_family() -> str:
    return register_fonts().get("ShenbaoHei.ttf", "")


def apply_ui_font(app: QApplication) -> None:
    """The bundled Hei face as the UI font, so CJK shows on a PC with no Chinese fonts."""
    family = hei_family()
    if family:
        font = QFont(family)
        font.setPointSize(UI_FONT_POINT_SIZE)
        app.setFont(font)


def load_translations(app: QCoreApplication) -> bool:
    """Install Qt's own zh_CN translations (qtbase_zh_CN); True when found."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ok = False
    for base in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(base, folder) and app.installTranslator(translator):
            _translators.append(translator)
            ok = True
            break
    return ok


def window_icon() -> QIcon:
    path: Path = resources_dir() / "icons" / "shenbao.png"
    return QIcon(str(path)) if path.is_file() else QIcon()


def setup_application(app: QApplication) -> None:
    """Everything an editor QApplication needs before the first window."""
    app.setApplicationName("Shenbao")
    app.setOrganizationName("Shenbao")
    app.setApplicationDisplayName("申报助手")
    load_translations(app)
    register_fonts()
    apply_ui_font(app)
    icon = window_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)
