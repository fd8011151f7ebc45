"""The Word export: the filled 申报书 as an editable .docx (:func:`render_docx`,
:func:`write_docx`). :mod:`pdf.docx.builder` builds the parts from the form definition on the
PDF's grid; :mod:`pdf.docx.ooxml` holds the WordprocessingML helpers it uses. Print through
:func:`pdf.export.export`, which validates first."""

from pdf.docx.builder import render_docx, write_docx

__all__ = ["render_docx", "write_docx"]
