"""发送给同事 and 导入: the draft file (.shenbao) out of the editor and back in.

:class:`ShareFlow` exports the open draft (options: leave out personal numbers; a passphrase,
asked twice, its strength shown). :class:`ImportFlow` opens draft files and draft JSON (the
导入 action, files dropped on the window, ``python main.py FILE``): an encrypted file asks for its
passphrase (a wrong one says so and asks again); a draft whose id is already in the store opens
the compare view (:mod:`ui.compare`) instead of being added twice; anything unusable gets a clear
message and changes nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from forms.draft import DraftInputError, load_draft_json
from forms.draftfile import PassphraseNeeded, WrongPassphrase, is_draft_file, read_draft_file
from forms.store import NoSuchDraft, StoreError
from ui.compare import KEEP_SEPARATE, CompareDialog
from ui.exporting import ask_save_path, last_dir, remember_dir, tell
from ui.worker import run_in_thread

MIN_PASSPHRASE = 8
WEAK, FAIR, STRONG = "弱", "中", "强"
_STRENGTH_COLOURS = {WEAK: "#b3261e", FAIR: "#9a6700", STRONG: "#1d5e20"}


def strength(passphrase: str) -> tuple[str, int]:
    """(弱/中/强, 0–100) for a passphrase: length counts most, then the kinds of characters
    (lower case, upper case, digits, other, Chinese)."""
    if not passphrase:
        return WEAK, 0
    kinds = sum((any(c.islower() for c in passphrase), any(c.isupper() for c in passphrase),
                 any(c.isdigit() for c in passphrase),
                 any(not c.isalnum() and c.isascii() for c in passphrase),
                 any(not c.isascii() for c in passphrase)))
    score = min(100, len(passphrase) * 6 + kinds * 10)
    if len(passphrase) < MIN_PASSPHRASE or score < 60:
        return WEAK, score
    if len(passphrase) >= 12 and kinds >= 3:
        return STRONG, score
    return FAIR, score


# --------------------------------------------------------------------------- sharing


class ShareDialog(QDialog):
    """The options of a draft file sent to a colleague."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("share")
        self.setWindowTitle("发送给同事")
        layout = QVBoxLayout(self)
        intro = QLabel("把这份草稿保存为一个“.shenbao”文件（含附件），通过邮件或 U 盘发给同事；"
                       "同事在申报助手中用“导入”打开，改完再发回来时可以逐项比较、合并。", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.without_personal_box = QCheckBox("不含身份证号码等个人证件号码（对方看到空白，需要时自行补填）", self)
        self.without_personal_box.setObjectName("share.without_personal")
        layout.addWidget(self.without_personal_box)
        self.protect_box = QCheckBox("用口令保护（对方打开时需要输入口令）", self)
        self.protect_box.setObjectName("share.protect")
        layout.addWidget(self.protect_box)
        form = QFormLayout()
        self.pass1 = QLineEdit(self)
        self.pass1.setObjectName("share.passphrase")
        self.pass1.setEchoMode(QLineEdit.EchoMode.Password)
        self.pass2 = QLineEdit(self)
        self.pass2.setObjectName("share.passphrase_again")
        self.pass2.setEchoMode(QLineEdit.EchoMode.Password)
        self.meter = QProgressBar(self)
        self.meter.setObjectName("share.strength_bar")
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(8)
        self.strength_label = QLabel(self)
        self.strength_label.setObjectName("share.strength")
        self.hint = QLabel(self)
        self.hint.setObjectName("share.hint")
        self.hint.setWordWrap(True)
        form.addRow("口令：", self.pass1)
        form.addRow("再输一次：", self.pass2)
        form.addRow("强度：", self.strength_label)
        form.addRow("", self.meter)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        note = QLabel("口令请用电话或当面告诉对方，不要和文件写在同一封邮件里。", self)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton("保存文件…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("share.ok")
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.protect_box.toggled.connect(self._update)
        self.pass1.textChanged.connect(self._update)
        self.pass2.textChanged.connect(self._update)
        self._update()

    def without_personal(self) -> bool:
        return self.without_personal_box.isChecked()

    def passphrase(self) -> str | None:
        return self.pass1.text() if self.protect_box.isChecked() else None

    def _update(self) -> None:
        protect = self.protect_box.isChecked()
        for w in (self.pass1, self.pass2, self.meter, self.strength_label):
            w.setEnabled(protect)
        text, again = self.pass1.text(), self.pass2.text()
        level, score = strength(text)
        self.meter.setValue(score if protect else 0)
        self.strength_label.setText(level if protect and text else "")
        self.strength_label.setStyleSheet(f"color:{_STRENGTH_COLOURS[level]}; font-weight:bold;")
        problem = ""
        if protect:
            if len(text) < MIN_PASSPHRASE:
                problem = f"口令至少 {MIN_PASSPHRASE} 个字符；字母、数字和符号混用更安全。"
            elif again != text:
                problem = "两次输入的口令不一样。"
        self.hint.setText(problem)
        self.ok_button.setEnabled(not problem)


def _export(store, draft_id: str, path: Path, without_personal: bool, passphrase: str | None) -> Path:
    store.export_file(draft_id, path, without_personal=without_personal, passphrase=passphrase)
    return path


class ShareFlow(QObject):
    """发送给同事: options, file name, export off the GUI thread. ``finished(path)`` or
    ``failed(message)`` (``""`` when the user cancelled)."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, session, parent: QWidget | None):
        super().__init__(parent)
        self.session, self.parent_widget = session, parent
        self.dialog = ShareDialog(parent)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.accepted.connect(self._on_dialog_accepted)
        self.dialog.rejected.connect(functools.partial(self.failed.emit, ""))
        self.path: Path | None = None

    def start(self) -> None:
        self.dialog.open()

    def _on_dialog_accepted(self) -> None:
        without, passphrase = self.dialog.without_personal(), self.dialog.passphrase()
        path = ask_save_path(self.parent_widget, "发送给同事", self.session.snapshot(), "shenbao")
        if path is None:
            self.failed.emit("")
            return
        self.path = path
        if not self.session.save_now("发送给同事"):
            self._on_error(StoreError("草稿未能保存，文件没有导出"))
            return
        run_in_thread(_export, self.session.store, self.session.draft_id, path, without, passphrase,
                      on_done=self._on_done, on_error=self._on_error)

    def _on_done(self, path: Path) -> None:
        tell(self.parent_widget, "发送给同事", f"已保存：{path}\n可以把这个文件发给同事，对方用“导入”打开。",
             name="share_done")
        self.finished.emit(path)

    def _on_error(self, exc: BaseException) -> None:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        message = f"文件没有导出：{reason}\n请换一个文件夹或文件名后重试；草稿内容没有受到影响。"
        tell(self.parent_widget, "发送给同事", message, warning=True, name="share_error")
        self.failed.emit(message)


# --------------------------------------------------------------------------- importing


class PassphraseDialog(QDialog):
    """Asks for the passphrase of an encrypted draft file and opens it; a wrong passphrase is
    said in the dialog, which stays open for another try. ``result_file`` on success;
    ``error`` when the file turned out unusable."""

    def __init__(self, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("passphrase_dialog")
        self.setWindowTitle("输入口令")
        self.path = Path(path)
        self.result_file = None
        self.error = ""
        layout = QVBoxLayout(self)
        label = QLabel(f"“{self.path.name}”已用口令保护。请输入发送人告诉你的口令：", self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.field = QLineEdit(self)
        self.field.setObjectName("passphrase")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addWidget(self.field)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("passphrase.error")
        self.error_label.setStyleSheet("color:#b3261e;")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(self)
        buttons.addButton("打开", QDialogButtonBox.ButtonRole.AcceptRole).setObjectName("passphrase.ok")
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.tries = 0

    def accept(self) -> None:
        self.tries += 1
        try:
            self.result_file = read_draft_file(self.path, passphrase=self.field.text())
        except (WrongPassphrase, PassphraseNeeded):
            self.error_label.setText(f"口令不正确（第 {self.tries} 次），请重新输入。注意大小写和中英文输入法。")
            self.field.selectAll()
            self.field.setFocus()
            return
        except DraftInputError as exc:
            self.error = str(exc)
            self.reject()
            return
        super().accept()


class ImportFlow(QObject):
    """Imports ``paths`` one after the other (see the module docstring). ``finished(ids)``: the
    drafts opened or merged into."""

    finished = Signal(list)

    def __init__(self, window, paths: list[Path]):
        super().__init__(window)
        self.window = window
        self.paths = [Path(p) for p in paths]
        self.done_ids: list[str] = []
        self.dialog: QDialog | None = None
        self.is_done = False  # finished was emitted (may be before start() returns)

    @property
    def store(self):
        return self.window.session.store

    def start(self) -> None:
        self._next()

    def _next(self) -> None:
        self.dialog = None
        if not self.paths:
            self.is_done = True
            self.finished.emit(self.done_ids)
            return
        path = self.paths.pop(0)
        try:
            if is_draft_file(path):
                found = read_draft_file(path)
            else:
                self._add(load_draft_json(path), None, False, path)
                return
        except PassphraseNeeded:
            dialog = PassphraseDialog(path, self.window)
            dialog.finished.connect(functools.partial(self._on_passphrase_finished, dialog, path))
            self._show(dialog)
            return
        except (DraftInputError, StoreError, OSError) as exc:
            self._refuse(path, exc)
            return
        self._found(found, path)

    def _show(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _refuse(self, path: Path, exc: BaseException) -> None:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        message = f"无法导入“{path.name}”：{reason}\n本机的草稿没有任何改动。"
        tell(self.window, "导入", message, warning=True, name="import_error")
        self._next()

    def _on_passphrase_finished(self, dialog: PassphraseDialog, path: Path, result: int) -> None:
        if result == QDialog.DialogCode.Accepted and dialog.result_file is not None:
            self._found(dialog.result_file, path)
        elif dialog.error:
            self._refuse(path, DraftInputError(dialog.error))
        else:
            self._next()

    def _found(self, found, path: Path) -> None:
        try:
            summary = self.store.summary(found.draft_id) if found.draft_id else None
        except NoSuchDraft:
            summary = None
        if summary is None or summary.deleted_at is not None:
            self._add(found.draft, found.draft_id, found.personal_removed, path)
            return
        session = self.window.session
        mine = session.snapshot() if session.draft_id == found.draft_id else self.store.load(found.draft_id)
        dialog = CompareDialog(mine, found.draft, self.window, personal_removed=found.personal_removed,
                               source_name=path.name)
        if dialog.comparison.other_edition or not dialog.comparison.differences:
            dialog.deleteLater()
            if dialog.comparison.other_edition:
                self._add(found.draft, found.draft_id, found.personal_removed, path)
                return
            tell(self.window, "导入", f"“{path.name}”与本机的草稿内容相同，不需要合并。", name="import_same")
            self._open(found.draft_id)
            self._next()
            return
        dialog.finished.connect(functools.partial(self._on_compare_finished, dialog, found, path))
        self._show(dialog)

    def _on_compare_finished(self, dialog: CompareDialog, found, path: Path, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            merged = dialog.merged()
            self._open(found.draft_id)
            session = self.window.session
            session.flush()  # the state before the merge is the newest revision in history
            session.replace_draft(merged, f"合并“{path.name}”")
            self.done_ids.append(found.draft_id)
        elif result == KEEP_SEPARATE:
            self._add(found.draft, found.draft_id, found.personal_removed, path)
            return
        self._next()

    def _add(self, draft, original_id: str | None, personal_removed: bool, path: Path) -> None:
        try:
            result = self.store.import_draft(draft, original_id, f"导入“{path.name}”",
                                             personal_removed=personal_removed)
        except StoreError as exc:
            self._refuse(path, exc)
            return
        self._open(result.draft_id)
        self.done_ids.append(result.draft_id)
        self._next()

    def _open(self, draft_id: str) -> None:
        if self.window.session.draft_id != draft_id:
            self.window.open_draft(draft_id)


def ask_import_paths(parent: QWidget | None) -> list[Path]:
    chosen, _filter = QFileDialog.getOpenFileNames(
        parent, "导入草稿", str(last_dir()), "申报草稿 (*.shenbao *.json);;所有文件 (*)")
    if chosen:
        remember_dir(Path(chosen[0]))
    return [Path(p) for p in chosen]
