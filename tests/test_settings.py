import os
import subprocess
import sys
from pathlib import Path

import pytest

from civicdata.cli import translate_argv
from civicdata.settings.base import database_from_url, email_settings
from civicdata.settings.declared import ConfigurationError, all_declared, app_conf_modules


def test_app_commands_are_spelled_with_the_app_first():
    assert translate_argv(["civicdata", "catalog", "validate", "x.json"]) == ["civicdata", "catalog_validate", "x.json"]
    assert translate_argv(["civicdata", "demand", "import-log", "f"]) == ["civicdata", "demand_import_log", "f"]
    assert translate_argv(["civicdata", "migrate"]) == ["civicdata", "migrate"]


def test_database_url_is_parsed_or_refused_clearly():
    assert database_from_url("postgres://u:p@db:5432/civic")["NAME"] == "civic"
    assert database_from_url("")["ENGINE"] == "civicdata.core.backends.sqlite3"
    with pytest.raises(ConfigurationError):
        database_from_url("nonsense://")


def test_an_sqlite_file_in_database_url_waits_for_writers_like_the_embedded_one():
    """Many web threads writing one SQLite file (a download counter, votes) wait for each other instead of
    answering 500 "database is locked"."""
    options = database_from_url("sqlite:////srv/civicdata/db.sqlite3")["OPTIONS"]
    assert options == database_from_url("")["OPTIONS"]
    assert options["timeout"] >= 20
    assert "journal_mode=WAL" in options["init_command"]


def test_email_url_variants():
    smtp = email_settings("smtp://user:secret@mail.example.org:2525?tls=1")["MAILERS"]["default"]["OPTIONS"]
    assert (smtp["host"], smtp["port"], smtp["use_tls"], smtp["password"]) == ("mail.example.org", 2525, True, "secret")
    with pytest.raises(ConfigurationError):
        email_settings("carrier-pigeon://")


def test_every_declared_setting_has_help_and_a_unique_name():
    names = [declared.name for declared in all_declared()]
    assert len(names) == len(set(names))
    assert all(declared.help.strip() for declared in all_declared())


def _run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "SECRET_KEY"}}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "civicdata.cli", *args], env=environ, capture_output=True, text=True, timeout=120
    )


def test_production_without_a_secret_key_stops_with_one_line():
    result = _run_cli("check", CIVICDATA_ENV="production", DATABASE_URL="postgres://u@localhost/x")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "civicdata: configuration error: SECRET_KEY must be set in production (50+ random characters)"
    ]


def test_bad_database_url_stops_with_one_line():
    result = _run_cli("check", CIVICDATA_ENV="production", SECRET_KEY="x" * 60, DATABASE_URL="nonsense://")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("civicdata: configuration error: DATABASE_URL")


def test_deploy_checks_refuse_insecure_production_settings():
    result = _run_cli(
        "check",
        "--deploy",
        "--fail-level",
        "ERROR",
        CIVICDATA_ENV="production",
        SECRET_KEY="short",
        DATABASE_URL="postgres://u@localhost/x",
        ALLOWED_HOSTS="*",
    )
    assert result.returncode != 0
    for code in ("civicdata.E002", "civicdata.E003", "civicdata.E004", "civicdata.E005"):
        assert code in result.stderr


def test_unknown_profile_stops_with_one_line_and_status_2():
    result = _run_cli("help", CIVICDATA_ENV="prodution")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "civicdata: configuration error: CIVICDATA_ENV='prodution' is not a profile; use one of local, test, production"
    ]


def test_unknown_profile_is_refused_by_the_wsgi_entry_point_too(monkeypatch):
    from civicdata.settings import select

    monkeypatch.setenv("CIVICDATA_ENV", "staging")
    with pytest.raises(ConfigurationError):
        select()
    monkeypatch.setenv("CIVICDATA_ENV", "")
    assert select() == "civicdata.settings.local"


def test_app_settings_modules_are_found_from_installed_apps():
    installed = ["django.contrib.admin", "allauth.account", "civicdata.core", "civicdata.demand", "civicdata.catalog"]
    assert app_conf_modules(installed) == ["civicdata.core.conf", "civicdata.demand.conf", "civicdata.catalog.conf"]
    names = {declared.name for declared in all_declared(["civicdata.catalog"])}
    assert "CATALOG_MAX_BYTES" in names
    assert not any(name.startswith("DEMAND_") for name in names)


def test_every_civicdata_app_with_a_conf_file_is_found(settings):
    """Third-party apps' conf.py (django-ninja has one) are not ours and are left alone."""
    from django.apps import apps

    with_conf = [
        f"{config.name}.conf"
        for config in apps.get_app_configs()
        if config.name.startswith("civicdata.") and (Path(config.path) / "conf.py").exists()
    ]
    assert with_conf, "no app conf.py found: the discovery test is looking in the wrong place"
    assert app_conf_modules(settings.INSTALLED_APPS) == with_conf


def test_fast_help_lists_what_django_lists():
    """`civicdata help` finds the commands without setting Django up, and lists exactly Django's own list."""
    from django.core.management import ManagementUtility

    from civicdata.cli import help_text

    assert help_text("civicdata") == ManagementUtility(["civicdata", "help"]).main_help_text() + "\n"
    result = _run_cli("help")
    assert result.returncode == 0, result.stderr
    assert (
        "[catalog]\n    catalog_convert\n    catalog_crawl\n    catalog_harvest\n    catalog_import\n" in result.stdout
    )


def test_validate_command_runs_without_the_app_registry_and_says_the_same(tmp_path):
    """`civicdata catalog validate` skips django.setup() and still prints what the management command prints."""
    from io import StringIO

    from django.core.management import call_command

    from civicdata.core.testing import realdata_path

    path = realdata_path("datajson/federal_agencies_2025-02/fcc.data.json")
    expected = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("catalog_validate", str(path), "--format", "json", stdout=expected)
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import sys\nfrom django.apps import apps\nfrom civicdata.cli import main\n"
        "try:\n    main(['civicdata', 'catalog', 'validate', sys.argv[1], '--format', 'json'])\n"
        "finally:\n    sys.stderr.write('apps ready: %s' % apps.ready)\n"
    )
    environ = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, str(probe), str(path)], env=environ, capture_output=True, text=True)
    assert result.returncode == exited.value.code == 1
    assert result.stderr.endswith("apps ready: False")
    import json

    assert json.loads(result.stdout)["report"] == json.loads(expected.getvalue())["report"]


@pytest.mark.django_db
def test_the_suite_runs_on_a_database_in_memory_in_every_worker():
    """On SQLite the test database is in memory in each pytest-xdist worker, not a file left in the working
    folder (pytest-django names it "test_:memory:_gw0" for any engine but Django's own)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL stage uses a server database")
    assert connection.is_in_memory_db(), connection.settings_dict["NAME"]
