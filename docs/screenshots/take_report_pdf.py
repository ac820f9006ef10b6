"""Render the first page of the sample Z report's PDF (tests/reports/sample.py) to
``report-pdf.png``, for the manager guide.

Run: ``.venv/bin/python docs/screenshots/take_report_pdf.py`` (needs the ``dev`` extra's
pypdfium2).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2 as pdfium

sys.path.insert(0, str(Path(__file__).parents[2]))  # the tests' sample report

from pos_app.reports.pdf import report_pdf
from tests.reports.sample import sample_report

HERE = Path(__file__).parent
SCALE = 1.5
"""Pixels per PDF point: a Letter page 918 pixels wide."""


def main() -> None:
    document = pdfium.PdfDocument(report_pdf(sample_report()))
    try:
        page = document[0]
        page.render(scale=SCALE).to_pil().save(HERE / "report-pdf.png", optimize=True)
        page.close()
    finally:
        document.close()
    print(HERE / "report-pdf.png")


if __name__ == "__main__":
    main()
