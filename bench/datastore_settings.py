"""Settings for the Data API benchmark server: the local profile with a URL map of the shell, the
API and the datastore pages only (so other apps' work in progress cannot stop the benchmark)."""

from civicdata.settings.local import *  # noqa: F403

ROOT_URLCONF = "civicdata.datastore.tests.urls"
