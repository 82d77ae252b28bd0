"""The one exception the ingest raises for bad input, carrying where in the file the problem is."""

from __future__ import annotations


class IngestError(Exception):
    """A file that cannot be loaded; `str()` is a sentence a publisher can act on.

    `code` is a stable machine name (e.g. `ragged_rows`, `html_not_data`), `row` is the 1-based data
    row (the header is row 0) and `column` the column title, when the problem has a place.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        row: int | None = None,
        column: str | None = None,
        details: list[dict] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.row = row
        self.column = column
        self.details = details or []

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "row": self.row,
            "column": self.column,
            "details": self.details,
        }
