"""Files uploaded as distributions: which kinds are accepted, where their bytes live under DATA_DIR, and
how a download request's Range header is read. Writes are in `services/files.py`, the download page in
`views/files.py`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction


@dataclass(frozen=True, slots=True)
class FileKind:
    """A kind of data file: its POD `mediaType` and human-readable `format`."""

    media_type: str
    format: str


#: The tabular and geographic files the Data API can read, by file name suffix.
FILE_KINDS: dict[str, FileKind] = {
    ".csv": FileKind("text/csv", "CSV"),
    ".tsv": FileKind("text/tab-separated-values", "TSV"),
    ".tab": FileKind("text/tab-separated-values", "TSV"),
    ".xlsx": FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    ".json": FileKind("application/json", "JSON"),
    ".geojson": FileKind("application/geo+json", "GeoJSON"),
}
#: Source files the toolbox keeps beside the table it made from them (a PDF, a zipped shapefile, a
#: GeoPackage, KML): stored and downloadable as distributions, but not loaded into the Data API.
SOURCE_KINDS: dict[str, FileKind] = {
    ".pdf": FileKind("application/pdf", "PDF"),
    ".zip": FileKind("application/zip", "ZIP"),
    ".gpkg": FileKind("application/geopackage+sqlite3", "GeoPackage"),
    ".kml": FileKind("application/vnd.google-earth.kml+xml", "KML"),
    ".kmz": FileKind("application/vnd.google-earth.kmz", "KMZ"),
}
MAX_NAME_LENGTH = 150


def kind_for(filename: str) -> FileKind | None:
    """The kind of file a name says it is, or None when it is not one the catalog accepts."""
    return FILE_KINDS.get(Path(filename).suffix.lower())


def safe_name(filename: str) -> str:
    """A download name made of ASCII letters, digits, `-` and `_`, with the original suffix."""
    path = Path(filename.replace("\\", "/").rsplit("/", 1)[-1])
    suffix = re.sub(r"[^a-z0-9.]", "", path.suffix.lower())
    stem = re.sub(r"[^-\w]+", "_", path.stem, flags=re.ASCII).strip("_-") or "data"
    return f"{stem[: MAX_NAME_LENGTH - len(suffix)]}{suffix}"


def files_root() -> Path:
    """DATA_DIR/catalog-files, where uploaded distribution files are kept (one file per key)."""
    return Path(settings.DATA_DIR) / "catalog-files"


def stored_path(key: str) -> Path:
    """Where the bytes of the file with this key are (two-character subfolders keep folders small)."""
    return files_root() / key[:2] / key


def serves(key: str, download_url: str | None) -> bool:
    """Whether a distribution's downloadURL is the catalog's address of the stored file with this key."""
    return f"/files/{key}/" in (download_url or "")


def delete_when_forgotten(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_delete receiver of DistributionFile (connected in CatalogConfig.ready()): once the deletion is
    committed, delete the bytes too; a rolled-back deletion keeps them. Covers every way a row goes: its
    distribution removed from the metadata, its dataset deleted, a replaced link."""
    path = stored_path(instance.key)
    transaction.on_commit(lambda: path.unlink(missing_ok=True))


@dataclass(frozen=True, slots=True)
class ByteRange:
    """An inclusive byte range of a file: `start` to `end`."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class RangeNotSatisfiable(Exception):
    """The Range header asks only for bytes beyond the end of the file (answer 416)."""


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> ByteRange | None:
    """The single byte range a `Range` header asks for, or None to send the whole file.

    Several ranges, other units or malformed headers are ignored (the whole file is a valid answer);
    a well-formed range that starts past the end raises RangeNotSatisfiable.
    """
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    if start >= size:
        raise RangeNotSatisfiable
    end = int(last) if last else size - 1
    if end < start:
        return None
    return ByteRange(start, min(end, size - 1))
