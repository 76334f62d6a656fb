"""From a report to the finished draft.

``compose`` lays out the document (sections, paragraphs, tables with merged cells);
``prose_facts`` states the answers and figures the prose needs; ``prose`` owns the
Jinja environment and composes the three prose parts; ``compliance`` checks the composed
draft against the format notice; ``render`` dispatches to HTML, Markdown and text
templates, ``docx_writer`` (公文 typography) and ``xlsx_writer``; ``stable_zip`` makes
the Office files the same bytes every time. python-docx and openpyxl are imported only
when a Word or Excel file is written.
"""
