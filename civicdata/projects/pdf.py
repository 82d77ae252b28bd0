"""A small pure-Python PDF writer for project summary reports.

No PDF library is installed and none should be added for one report, so this writes PDF 1.4
directly: Helvetica text, headings, wrapped paragraphs and automatic page breaks, A4 pages.
"""

from __future__ import annotations

import textwrap
import zlib
from dataclasses import dataclass

PAGE_W, PAGE_H = 595, 842  # A4 in points
MARGIN = 56


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of report content: ``kind`` is 'h1', 'h2', 'p' or 'li'."""

    kind: str
    text: str


_STYLE = {
    "h1": (18, 70, True),
    "h2": (13, 90, True),
    "p": (10, 100, False),
    "li": (10, 96, False),
}


def _escape(text: str) -> bytes:
    # The built-in fonts use WinAnsi; characters outside it become '?' rather than corrupt output.
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _pages(blocks: list[Block]) -> list[bytes]:
    pages: list[list[bytes]] = [[]]
    y = PAGE_H - MARGIN
    for block in blocks:
        size, width, bold = _STYLE.get(block.kind, _STYLE["p"])
        lead = size * 1.35
        text = block.text.replace("\r", "")
        lines: list[str] = []
        for para in text.split("\n") or [""]:
            lines.extend(textwrap.wrap(para, width=width) or [""])
        if block.kind == "li" and lines:
            lines = ["- " + lines[0]] + ["  " + line for line in lines[1:]]
        y -= lead * 0.4 if block.kind.startswith("h") else 0
        for line in lines:
            if y - lead < MARGIN:
                pages.append([])
                y = PAGE_H - MARGIN
            y -= lead
            font = b"/F2" if bold else b"/F1"
            pages[-1].append(b"BT %s %d Tf %d %.1f Td (%s) Tj ET" % (font, size, MARGIN, y, _escape(line)))
        y -= lead * 0.5
    return [b"\n".join(ops) for ops in pages]


def render_pdf(blocks: list[Block], *, title: str = "") -> bytes:
    """Return the bytes of a PDF document containing ``blocks``."""
    contents = _pages(blocks)
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog_id = add(b"")  # filled once the page tree id is known
    pages_id = add(b"")
    font1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    font2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    page_ids = []
    for content in contents:
        data = zlib.compress(content)
        stream_id = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data))
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>"
                % (pages_id, PAGE_W, PAGE_H, stream_id, font1, font2)
            )
        )
    info_id = add(b"<< /Title (%s) /Producer (civicdata) >>" % _escape(title))
    objects[catalog_id - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        kids,
        len(page_ids),
    )

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog_id,
        info_id,
        xref,
    )
    return bytes(out)
