"""Text of a PDF as poppler's pdftotext reads it, the reader of most Linux desktops.

pypdf reads Hebrew and Arabic in the order the glyphs are drawn; pdftotext puts right-to-left
runs back in reading order, which is what a board clerk who copies a name gets.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

BIDI_MARKS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))
"""The embedding marks pdftotext writes around a right-to-left run."""


def pdftotext(pdf: bytes, *, layout: bool = False) -> str:
    """The PDF's text without bidi embedding marks; skipped without poppler-utils (failed in
    CI, which installs it)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        message = "pdftotext is not installed (apt-get install -y poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        options = ["-layout"] if layout else []
        text = subprocess.run(
            [tool, "-enc", "UTF-8", *options, str(path), "-"],
            check=True,
            capture_output=True,
        ).stdout.decode("utf-8")
    return text.translate(BIDI_MARKS)
