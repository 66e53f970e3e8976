"""Helpers of the list checks of the tenancy matrix: the text of a PDF, XLSX or DOCX answer."""

import html
import io
import json
import zipfile

from pypdf import PdfReader


def text_of(response) -> str:
    """Everything a person could read in the answer, whatever its format."""
    data = response.data
    if response.mimetype == "application/json":
        return json.dumps(response.get_json(silent=True), ensure_ascii=False)
    if data.startswith(b"%PDF"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if data.startswith(b"PK"):  # XLSX, DOCX: the XML parts hold the text
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # openpyxl writes non-ASCII as character references (&#7897;): unescaped, the values read as typed.
            return html.unescape("\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()))
    return html.unescape(data.decode("utf-8", errors="replace"))
