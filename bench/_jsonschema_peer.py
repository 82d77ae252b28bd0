"""The peer of bench/catalog_commands.py: validate a data.json with Python jsonschema's Draft4Validator, as a
command of its own, and print the indexes of the datasets it flags (one JSON list on standard output).

Run as: python bench/_jsonschema_peer.py CATALOG SCHEMA_FOLDER. It imports nothing from civicdata: the schema
files are the shipped official DCAT-US v1.1 ones, every $ref resolved locally. Each dataset is checked
against dataset.json and all its errors are listed (as the catalog.data.gov validator does); the catalog's
own envelope is not part of the comparison.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
from referencing import Registry
from referencing.jsonschema import DRAFT4

BASE = "https://project-open-data.cio.gov/v1.1/schema/"


def main() -> None:
    catalog, folder = Path(sys.argv[1]), Path(sys.argv[2])
    files = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}
    registry = Registry().with_resources((BASE + name, DRAFT4.create_resource(s)) for name, s in files.items())
    validator = jsonschema.Draft4Validator(files["dataset.json"], registry=registry)
    datasets = json.loads(catalog.read_bytes())["dataset"]
    flagged = [index for index, ds in enumerate(datasets) if list(validator.iter_errors(ds))]
    print(json.dumps(flagged))


if __name__ == "__main__":
    main()
