"""Reading the PDFs the platform produces, with poppler's tools (Debian poppler-utils)."""

import subprocess


def pdf_text(tmp_path, content: bytes) -> str:
    """The text of a PDF, laid out as on the page."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
