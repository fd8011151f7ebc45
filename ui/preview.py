"""打印预览: the printout as it will come out of the printer, kept current while the user types.

The PDF is rendered off the GUI thread from a snapshot of the draft (a busy bar shows while it
works) and shown in a :class:`QPdfView` named ``preview`` with page navigation and zoom; 对页
shows the pages side by side as they face each other in the bound copy (the cover alone on the
right, the body from a right-hand page). The 校验码 of the shown printout is in the tool bar.
An edit while the preview is open re-renders it after a pause (never blocking typing).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from forms.display import FINGERPRINT_LABEL
from ui.pdfpages import Printout, load_pdf, page_image, render_printout
from ui.worker import run_in_thread

REFRESH_DELAY_MS = 700  # after the last edit
ZOOM_STEP = 1.25
FACING_GAP = 12
A4_RATIO = 297 / 210


def _facing_images(blob: bytes, page_width: int) -> list[QImage]:
    """Every page of ``blob`` as an image ``page_width`` pixels wide (worker thread)."""
    doc = load_pdf(blob)
    try:
        return [page_image(doc, i, size=QSize(page_width, page_width * 2)) for i in range(doc.pageCount())]
    finally:
        doc.close()


def facing_rows(page_count: int) -> list[tuple[int | None, int | None]]:
    """Pages as they face each other in a bound duplex copy: the cover alone on the right, then
    (2, 3), (4, 5) … — left-hand even pages, right-hand odd pages (1-based numbers)."""
    rows: list[tuple[int | None, int | None]] = []
    if page_count >= 1:
        rows.append((None, 1))
    n = 2
    while n <= page_count:
        rows.append((n, n + 1 if n + 1 <= page_count else None))
        n += 2
    return rows


class FacingView(QScrollArea):
    """Two pages side by side, as the spreads of the bound copy."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("preview.facing")
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._labels: list[QLabel] = []
        self.page_width = 360

    def show_pages(self, images: list[QImage]) -> None:
        inner = QWidget()
        inner.setObjectName("preview.facing.pages")
        grid = QGridLayout(inner)
        grid.setHorizontalSpacing(2)  # the spine
        grid.setVerticalSpacing(FACING_GAP)
        self._labels = []
        for row, (left, right) in enumerate(facing_rows(len(images))):
            for col, number in enumerate((left, right)):
                label = QLabel()
                label.setAlignment(Qt.AlignmentFlag.AlignRight if col == 0 else Qt.AlignmentFlag.AlignLeft)
                if number is not None:
                    label.setPixmap(QPixmap.fromImage(images[number - 1]))
                    label.setToolTip(f"第 {number} 页")
                    self._labels.append(label)
                else:
                    label.setMinimumWidth(self.page_width)
                grid.addWidget(label, row, col)
        self.setWidget(inner)

    def page_labels(self) -> list[QLabel]:
        return list(self._labels)


class PreviewWindow(QDialog):
    """The preview window (modeless). ``rendered(page_count)`` after each render shown;
    ``failed(message)`` when a render fails (the previous pages stay)."""

    rendered = Signal(int)
    failed = Signal(str)
    facing_shown = Signal(int)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("preview_window")
        self.setWindowTitle("打印预览")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.session = session
        self.printout: Printout | None = None
        self._doc: QPdfDocument | None = None
        self._busy = False
        self._again = False
        self._closed = False

        self.view = QPdfView(self)
        self.view.setObjectName("preview")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)  # a whole page at a glance
        self.view.pageNavigator().currentPageChanged.connect(self._on_navigator_page_changed)
        self.facing = FacingView(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.facing)

        self._build_bar()
        self.banner = QLabel(self)
        self.banner.setObjectName("preview.banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fff4d6; color:#7a4b00; padding:6px;")
        self.banner.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)

        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        session.changed.connect(self._on_session_changed)
        self.resize(900, 1000)

    # -- tool bar ---------------------------------------------------------------------------

    def _button(self, name: str, text: str, tip: str, slot, shortcut: str | None = None) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        if shortcut:
            button.setShortcut(QKeySequence(shortcut))
        button.clicked.connect(slot)
        return button

    def _build_bar(self) -> None:
        self.bar = QWidget(self)
        self.bar.setObjectName("preview.bar")
        row = QHBoxLayout(self.bar)
        row.setContentsMargins(8, 4, 8, 4)
        self.prev_button = self._button("preview.prev", "◀ 上一页", "上一页（PgUp）", self.previous_page, "PgUp")
        self.page_box = QSpinBox(self)
        self.page_box.setObjectName("preview.page")
        self.page_box.setRange(1, 1)
        self.page_box.setPrefix("第 ")
        self.page_box.setSuffix(" 页")
        self.page_box.valueChanged.connect(self._on_page_box_value_changed)
        self.count_label = QLabel("共 0 页", self)
        self.count_label.setObjectName("preview.count")
        self.next_button = self._button("preview.next", "下一页 ▶", "下一页（PgDn）", self.next_page, "PgDown")
        self.zoom_out_button = self._button("preview.zoom_out", "缩小", "缩小（Ctrl+-）", self.zoom_out, "Ctrl+-")
        self.zoom_in_button = self._button("preview.zoom_in", "放大", "放大（Ctrl++）", self.zoom_in, "Ctrl++")
        self.fit_width_button = self._button("preview.fit_width", "适合宽度", "页面宽度适合窗口", self.fit_width)
        self.fit_page_button = self._button("preview.fit_page", "整页", "整页显示", self.fit_page)
        self.facing_button = self._button("preview.facing_toggle", "对页", "左右两页对照，如装订后翻开的样子",
                                          self._on_facing_button_clicked)
        self.facing_button.setCheckable(True)
        self.print_button = self._button("preview.print", "打印…", "打印（Ctrl+P）", self._on_print_clicked)
        self.fingerprint_label = QLabel(self)
        self.fingerprint_label.setObjectName("preview.fingerprint")
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("preview.progress")
        self.progress.setRange(0, 0)  # busy
        self.progress.setMaximumWidth(120)
        self.progress.setTextVisible(False)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("preview.status")
        for w in (self.prev_button, self.page_box, self.count_label, self.next_button):
            row.addWidget(w)
        row.addSpacing(12)
        for w in (self.zoom_out_button, self.zoom_in_button, self.fit_width_button, self.fit_page_button,
                  self.facing_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.status_label)
        row.addWidget(self.progress)
        row.addWidget(self.fingerprint_label)
        row.addSpacing(12)
        row.addWidget(self.print_button)
        self.progress.hide()
        self.bar.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    # -- rendering --------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    def page_painted(self) -> bool:
        """Whether the view shows page content yet (QPdfView draws pages as its own renderer
        delivers them): some pixel of the visible pages is darker than paper."""
        image = self.view.viewport().grab().toImage()
        image = image.scaled(96, 96, Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
        return any(image.pixelColor(x, y).lightness() < 200 for y in range(96) for x in range(96))

    def page_count(self) -> int:
        return self._doc.pageCount() if self._doc is not None else 0

    def refresh(self) -> None:
        """Render the draft as it is now (again once more if a render is running)."""
        self._timer.stop()
        if self._busy:
            self._again = True
            return
        from pdf.export import prepare_fonts

        prepare_fonts()
        self._busy = True
        self._again = False
        self.progress.show()
        self.status_label.setText("正在生成预览…")
        run_in_thread(render_printout, self.session.snapshot(),
                      on_done=self._on_render_done, on_error=self._on_render_error)

    def _finish(self) -> None:
        self._busy = False
        if self._closed:
            return
        if self._again:
            self.refresh()
        else:
            self.progress.hide()

    def _on_render_done(self, printout: Printout) -> None:
        if not isValid(self) or self._closed:
            self._busy = False
            return
        doc = load_pdf(printout.pdf, self)
        if doc.status() != QPdfDocument.Status.Ready:
            doc.deleteLater()
            self._on_render_error(RuntimeError("预览文件无法打开"))
            return
        page = self.current_page()
        old, self._doc, self.printout = self._doc, doc, printout
        self.view.setDocument(doc)
        if old is not None:
            old.deleteLater()
        count = doc.pageCount()
        self.page_box.setRange(1, max(1, count))
        self.count_label.setText(f"共 {count} 页")
        self.go_to_page(min(page, count - 1))
        self.fingerprint_label.setText(f"{FINGERPRINT_LABEL} {printout.fingerprint}")
        errors = [p for p in printout.problems if p.is_error]
        if printout.draft_mode:
            self.banner.setText(f"草稿还有 {len(errors)} 个错误，预览带“草稿”水印，不能作为正式打印稿。"
                                "改正“问题”列表中的错误后，预览会自动更新。")
            self.banner.show()
        else:
            self.banner.hide()
        self.status_label.setText("")
        if self.facing_button.isChecked():
            self._render_facing()
        self.rendered.emit(count)
        self._finish()

    def _on_render_error(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        message = str(exc) or "生成预览时出错"
        if not self._closed:
            self.status_label.setText("预览未能更新")
            self.banner.setText(f"预览未能生成：{message}。草稿内容没有受到影响，可以继续编辑后再试。")
            self.banner.show()
            self.failed.emit(message)
        self._finish()

    def _on_session_changed(self, _change) -> None:
        self._timer.start()

    # -- navigation and zoom ----------------------------------------------------------------

    def current_page(self) -> int:
        """0-based page shown."""
        return max(0, self.view.pageNavigator().currentPage())

    def go_to_page(self, index: int) -> None:
        if self._doc is None or self._doc.pageCount() == 0:
            return
        index = max(0, min(index, self._doc.pageCount() - 1))
        self.view.pageNavigator().jump(index, QPointF(), self.view.zoomFactor())
        labels = self.facing.page_labels()
        if self.facing_button.isChecked() and index < len(labels):
            self.facing.ensureWidgetVisible(labels[index], 0, FACING_GAP)
        self.page_box.blockSignals(True)
        self.page_box.setValue(index + 1)
        self.page_box.blockSignals(False)

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def _on_page_box_value_changed(self, value: int) -> None:
        self.go_to_page(value - 1)

    def _on_navigator_page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)

    def _zoom(self, factor: float) -> None:
        if self.facing_button.isChecked():
            self.facing.page_width = max(120, min(2000, round(self.facing.page_width * factor)))
            self._render_facing()
            return
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.1, min(8.0, self.view.zoomFactor() * factor)))

    def zoom_in(self) -> None:
        self._zoom(ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom(1 / ZOOM_STEP)

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def fit_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    # -- facing pages -----------------------------------------------------------------------

    def set_facing(self, on: bool) -> None:
        self.facing_button.setChecked(on)
        self._on_facing_button_clicked()

    def _on_facing_button_clicked(self) -> None:
        on = self.facing_button.isChecked()
        self.stack.setCurrentWidget(self.facing if on else self.view)
        if on:
            by_width = (self.stack.width() - 3 * FACING_GAP) // 2 - 20
            by_height = int((self.stack.height() - 2 * FACING_GAP) / A4_RATIO)  # a whole spread in view
            self.facing.page_width = max(200, min(by_width, by_height))
            self._render_facing()

    def _render_facing(self) -> None:
        if self.printout is None:
            return
        run_in_thread(_facing_images, self.printout.pdf, self.facing.page_width,
                      on_done=self._on_facing_done, on_error=self._on_render_error)

    def _on_facing_done(self, images: list[QImage]) -> None:
        if not isValid(self) or self._closed:
            return
        self.facing.show_pages(images)
        self.facing_shown.emit(len(images))

    # -- printing and closing ---------------------------------------------------------------

    def _on_print_clicked(self) -> None:
        from ui import printing

        printing.start_print(self.session, self.parent() or self)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._shutdown()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self._shutdown()
        super().done(result)

    def _shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        self.session.changed.disconnect(self._on_session_changed)


def open_preview(session, parent: QWidget | None = None) -> PreviewWindow:
    """Show the preview window (one per parent window: an open one is raised and refreshed)."""
    existing = parent.findChild(PreviewWindow, "preview_window") if parent is not None else None
    if existing is not None and existing.session is not session:  # another draft was opened
        existing.close()
        existing = None
    if existing is not None and not existing._closed:
        existing.show()
        existing.raise_()
        existing.activateWindow()
        existing.refresh()
        return existing
    window = PreviewWindow(session, parent)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    opened = getattr(parent, "draft_opened", None)
    if opened is not None:  # the preview shows one draft: it closes when another is opened
        opened.connect(window.close)
    window.show()
    window.refresh()
    return window
