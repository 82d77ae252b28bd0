"""`civicdata compile_translations`: compile every .po message catalog into the .mo file Django reads.

Written in Python so a fresh machine needs no GNU gettext; .mo files are build output, not committed."""

from __future__ import annotations

import ast
import struct
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


def parse_po(text: str) -> dict[str, str]:
    """Messages of a .po file as {msgid: msgstr}; context joined with \\x04 and plural forms with \\x00,
    the way gettext stores them. Entries are separated by blank lines (as makemessages writes them);
    fuzzy and untranslated entries are left out."""
    messages: dict[str, str] = {}
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields: dict[str, str] = {}
        fuzzy = False
        current: str | None = None
        for raw_line in block.splitlines():
            line = raw_line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if not line or line.startswith("#"):
                continue
            if line.startswith('"'):
                if current is not None:
                    fields[current] += ast.literal_eval(line)
                continue
            keyword, _, rest = line.partition(" ")
            current = keyword
            fields[keyword] = ast.literal_eval(rest)
        if "msgid" not in fields or (fuzzy and fields["msgid"] != ""):
            continue
        msgid = fields["msgid"]
        if "msgid_plural" in fields:
            msgid = f"{msgid}\x00{fields['msgid_plural']}"
            plurals = [fields[key] for key in sorted(k for k in fields if k.startswith("msgstr["))]
            value = "\x00".join(plurals)
            translated = bool(plurals) and all(plurals)
        else:
            value = fields.get("msgstr", "")
            translated = bool(value)
        if "msgctxt" in fields:
            msgid = f"{fields['msgctxt']}\x04{msgid}"
        if translated or msgid == "":
            messages[msgid] = value
    return messages


def write_mo(messages: dict[str, str], path: Path) -> None:
    """Write a GNU .mo file (little-endian, no hash table)."""
    keys = sorted(messages)
    ids = [key.encode() for key in keys]
    strs = [messages[key].encode() for key in keys]
    count = len(keys)
    header_size = 7 * 4
    ids_table = header_size
    strs_table = ids_table + count * 8
    data_start = strs_table + count * 8
    offsets_ids, offsets_strs, blob = [], [], b""
    for encoded in ids:
        offsets_ids.append((len(encoded), data_start + len(blob)))
        blob += encoded + b"\x00"
    for encoded in strs:
        offsets_strs.append((len(encoded), data_start + len(blob)))
        blob += encoded + b"\x00"
    output = struct.pack("<7I", 0x950412DE, 0, count, ids_table, strs_table, 0, 0)
    output += b"".join(struct.pack("<2I", *pair) for pair in offsets_ids)
    output += b"".join(struct.pack("<2I", *pair) for pair in offsets_strs)
    path.write_bytes(output + blob)


class Command(BaseCommand):
    help = "Compile the .po message catalogs of the project and every app into .mo files."
    requires_system_checks: list = []

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for po_path in sorted(Path(settings.PACKAGE_DIR).rglob("locale/*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            write_mo(parse_po(po_path.read_text(encoding="utf-8")), mo_path)
            compiled += 1
        if compiled:
            self.stdout.write(f"Compiled {compiled} message catalog(s).")
