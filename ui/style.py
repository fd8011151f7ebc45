"""The editor's style sheet: the 申报书's ruled cells, muted hints, problem marks."""

from __future__ import annotations

STYLE = """
PartPage { background: #ffffff; }
QScrollArea#page_scroll > QWidget { background: #e9ebee; }
QLabel#heading { font-size: 15pt; font-weight: bold; padding: 6px 0 2px 0; }
QLabel#part_title, QLabel#cover_title { font-size: 20pt; }
QLabel#static_text { font-size: 11pt; line-height: 150%; }
QLabel#hint, QLabel[muted="true"] { color: #6b7280; }
QLabel#message[problem="error"] { color: #b42318; }
QLabel#message[problem="warning"] { color: #8a5a00; }
QLabel[problem="error"] { color: #b42318; }
QLabel[status="ok"] { color: #067647; }
QFrame#sheet { border-top: 1px solid #555; border-left: 1px solid #555; }
QFrame[cell="label"] { background: #f4f5f7; border-right: 1px solid #555; border-bottom: 1px solid #555; }
QFrame[cell="field"], QFrame[cell="blank"] { background: #ffffff; border-right: 1px solid #555; border-bottom: 1px solid #555; }
QLineEdit, QPlainTextEdit, QComboBox { border: 1px solid #c5c9d0; border-radius: 2px; padding: 2px 4px; background: #ffffff; }
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus { border: 1px solid #2563eb; }
QLineEdit[problem="error"], QPlainTextEdit[problem="error"], QComboBox[problem="error"] { border: 2px solid #d92d20; background: #fff6f5; }
QLineEdit[problem="warning"], QPlainTextEdit[problem="warning"], QComboBox[problem="warning"] { border: 2px solid #dc9b00; background: #fffaeb; }
QLineEdit[exempt="true"] { background: #f4f5f7; }
QListWidget#parts { font-size: 11pt; }
QListWidget#parts::item { padding: 6px 4px; }
"""


def restyle(widget, **properties) -> None:
    """Set the dynamic properties the style sheet selects on (``problem``, ``status``, ``muted``)
    and re-polish the widget, only when one of them changed."""
    changed = False
    for name, value in properties.items():
        if widget.property(name) != value:
            widget.setProperty(name, value)
            changed = True
    if changed:
        widget.style().unpolish(widget)
        widget.style().polish(widget)
