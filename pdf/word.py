"""The Word export's former home: :func:`render_docx` and :func:`write_docx` now live in
:mod:`pdf.docx` (builders in :mod:`pdf.docx.builder`, XML helpers in :mod:`pdf.docx.ooxml`).
This import path stays for callers written against it; new code prints through
:func:`pdf.export.export`."""

from pdf.docx import render_docx, write_docx

__all__ = ["render_docx", "write_docx"]
