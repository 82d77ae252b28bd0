"""Build small fillable PDF forms (AcroForm) for tests with pypdf alone: text fields, a checkbox and a
choice list on one or more pages. No binary files are shipped with the tests."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

Field = tuple[str, str]  # (name, kind): kind is "text", "checkbox" or "choice:Option A|Option B"


def _font() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )


def _off_appearance(writer: PdfWriter) -> object:
    stream = DecodedStreamObject()
    stream.set_data(b"")
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(12), NumberObject(12)]),
        }
    )
    return writer._add_object(stream)


def _on_appearance(writer: PdfWriter) -> object:
    stream = DecodedStreamObject()
    stream.set_data(b"0 g 2 2 8 8 re f")
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(12), NumberObject(12)]),
        }
    )
    return writer._add_object(stream)


def make_pdf_form(fields: Sequence[Field], *, pages: int = 1, title: str = "Permit application") -> bytes:
    """A PDF whose first page carries `fields` (one per line) and a heading; further pages are blank."""
    writer = PdfWriter()
    font = writer._add_object(_font())
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/Helv"): font})})
    for _ in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Resources")] = resources
    heading = DecodedStreamObject()
    heading.set_data(f"BT /Helv 18 Tf 72 740 Td ({title}) Tj ET".encode("latin-1"))
    writer.pages[0][NameObject("/Contents")] = writer._add_object(heading)
    annotations = ArrayObject()
    field_refs = ArrayObject()
    for index, (name, kind) in enumerate(fields):
        top = 700 - index * 40
        field = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/T"): TextStringObject(name),
                NameObject("/F"): NumberObject(4),
                NameObject("/Rect"): ArrayObject(
                    [
                        FloatObject(200),
                        FloatObject(top),
                        FloatObject(500 if kind != "checkbox" else 212),
                        FloatObject(top + (20 if kind != "checkbox" else 12)),
                    ]
                ),
                NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
                NameObject("/P"): writer.pages[0].indirect_reference,
            }
        )
        if kind == "checkbox":
            field[NameObject("/FT")] = NameObject("/Btn")
            field[NameObject("/V")] = NameObject("/Off")
            field[NameObject("/AS")] = NameObject("/Off")
            field[NameObject("/AP")] = DictionaryObject(
                {
                    NameObject("/N"): DictionaryObject(
                        {NameObject("/Yes"): _on_appearance(writer), NameObject("/Off"): _off_appearance(writer)}
                    )
                }
            )
        elif kind.startswith("choice:"):
            field[NameObject("/FT")] = NameObject("/Ch")
            field[NameObject("/Ff")] = NumberObject(1 << 17)  # a combo box
            field[NameObject("/Opt")] = ArrayObject([TextStringObject(o) for o in kind[7:].split("|")])
        else:
            field[NameObject("/FT")] = NameObject("/Tx")
        ref = writer._add_object(field)
        annotations.append(ref)
        field_refs.append(ref)
    writer.pages[0][NameObject("/Annots")] = annotations
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Fields"): field_refs,
                NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
                NameObject("/DR"): resources,
                NameObject("/NeedAppearances"): BooleanObject(True),
            }
        )
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
