"""The converters from the command line: `datastore pdf-tables` lists the tables of a real PDF (also run
as a real `civicdata` process), `datastore gis-load` loads a shapefile and an ArcGIS layer into a table."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog.tests.factories import make_dataset
from civicdata.datastore.models import DataTable, MapLayerSource
from civicdata.datastore.tests import test_gis_tools
from civicdata.datastore.tests.test_gis_tools import needs_realdata, shapefile_zip
from civicdata.datastore.tests.test_pdf_tables import WARN, needs_warn

arcgis = test_gis_tools.arcgis  # the loopback map server fixture


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@needs_warn
def test_pdf_tables_are_listed_as_text_and_json():
    text = run("datastore_pdf_tables", str(WARN), "--pages", "1-2")
    assert "1-1: page 1, 37 rows, 7 columns" in text
    assert "Notice Date | Effective" in text
    found = json.loads(
        run("datastore_pdf_tables", str(WARN), "--pages", "1", "--area", "0,0,100,50", "--format", "json")
    )
    assert [t["ref"] for t in found] == ["1-1"]
    assert 5 < found[0]["rows"] < 37


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--pages", "99"], "outside"),
        (["--area", "0, 0, 100"], "four numbers"),
    ],
)
@needs_warn
def test_bad_pdf_options_are_refused_clearly(args, says):
    with pytest.raises(CommandError, match=says):
        run("datastore_pdf_tables", str(WARN), *args)


def test_a_missing_or_broken_pdf_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no file"):
        run("datastore_pdf_tables", str(tmp_path / "nothing.pdf"))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf")
    with pytest.raises(CommandError, match="could not be read as a PDF"):
        run("datastore_pdf_tables", str(broken))


@needs_warn
def test_pdf_tables_run_as_a_real_civicdata_process(tmp_path):
    environ = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    environ.update(CIVICDATA_ENV="test", DATA_DIR=str(tmp_path))

    def civicdata(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "civicdata.cli", *args], env=environ, capture_output=True, text=True, timeout=300
        )

    listed = civicdata("datastore", "pdf-tables", str(WARN), "--pages", "1", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)[0]["columns"] == 7
    refused = civicdata("datastore", "pdf-tables", str(WARN), "--area", "0, 0, 900, 10", "--area-unit", "points")
    assert refused.returncode == 1
    assert "792 points wide" in refused.stderr
    misused = civicdata("datastore", "pdf-tables", str(WARN), "--strategy", "guess")
    assert misused.returncode == 2


@pytest.fixture
def dataset(db):
    return make_dataset(make_organization("Parks", slug="parks"), published=False)


def test_a_shapefile_is_loaded_from_the_command_line(tmp_path, dataset):
    path = tmp_path / "stations.zip"
    path.write_bytes(shapefile_zip())
    outcome = json.loads(run("datastore_gis_load", str(path), "--dataset", dataset.name, "--format", "json"))
    assert outcome["rows"] == 2
    assert outcome["source_distribution"].endswith("/stations.zip")
    assert DataTable.objects.get().row_count == 2
    with pytest.raises(CommandError, match="No dataset"):
        run("datastore_gis_load", str(path), "--dataset", "nowhere")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"nope")
    with pytest.raises(CommandError, match="not a readable zip"):
        run("datastore_gis_load", str(bad), "--dataset", dataset.name)


@needs_realdata
def test_an_arcgis_layer_is_loaded_with_a_schedule_from_the_command_line(arcgis, dataset):
    text = run("datastore_gis_load", arcgis, "--dataset", dataset.name, "--refresh", "weekly")
    assert "Loaded 15 features" in text
    assert MapLayerSource.objects.get().refresh == "weekly"
