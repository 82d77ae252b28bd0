"""Small builders shared by the datastore tests (files written into tmp_path, stores in tmp_path)."""

from __future__ import annotations

from pathlib import Path

from civicdata.datastore.ingest import ingest_file
from civicdata.datastore.ingest.load import IngestResult
from civicdata.datastore.store import TableStore


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def load_text(
    tmp_path: Path, text: str, *, relation: str = "t", name: str = "in.csv", **kwargs
) -> tuple[TableStore, IngestResult]:
    store = TableStore(tmp_path / "store")
    source = write(tmp_path / name, text)
    return store, ingest_file(source, store=store, relation=relation, **kwargs)


PEOPLE_CSV = (
    "id,name,score,joined,active,zip,note\n"
    '1,Ana,3.5,2024-01-02,yes,02134,=HYPERLINK("x")\n'
    "2,Ben,4,2024-02-03,no,02135,plain\n"
    "3,Cy,,2024-03-04,yes,02136,\n"
    "4,Di,10.25,2024-04-05,no,02137,-5 apples\n"
    "5,Ed,7,2024-05-06,yes,02138,@home\n"
)
