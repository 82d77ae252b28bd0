"""Ingest: read CSV/TSV, XLSX, JSON records and GeoJSON safely and load them into DuckDB."""

from .errors import IngestError
from .load import FieldResult, IngestResult, ingest_file
from .sources import Limits

__all__ = ["FieldResult", "IngestError", "IngestResult", "Limits", "ingest_file"]
