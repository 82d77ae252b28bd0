"""The `civicdata` console command: Django's management commands, plus `civicdata <app> <verb>` for
each app's own commands (management command `<app>_<verb>`), e.g. `civicdata catalog validate FILE`.

Two things run without `django.setup()`, which imports every installed app and its models (about a
second before any work): the list of commands (`civicdata help`), found by looking at the folders, and
the file tools in `STANDALONE`, which need the settings but no database, model or URL map. Those in
`DIRECT` do not even import Django's management package: a `main(argv)` of their own parses the
arguments, as the management command of the same name does.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections import defaultdict

APPS = ("accounts", "catalog", "datastore", "demand", "projects", "core")

# Management commands that read files and print reports: no app registry, models, URLs or system checks.
STANDALONE = {
    "catalog_merge": "civicdata.catalog.management.commands.catalog_merge",
    "catalog_validate": "civicdata.catalog.management.commands.catalog_validate",
}
DIRECT = {"catalog_validate": "civicdata.catalog.tools.validate_cli"}


def translate_argv(argv: list[str]) -> list[str]:
    """Map `civicdata catalog validate …` to Django's `catalog_validate …`; other commands pass through."""
    if len(argv) >= 3 and argv[1] in APPS and not argv[2].startswith("-"):
        verb = argv[2].replace("-", "_")
        return [argv[0], f"{argv[1]}_{verb}", *argv[3:]]
    return argv


def _command_names(package_dir: str) -> list[str]:
    import pkgutil  # only `help` lists commands

    folder = os.path.join(package_dir, "management", "commands")
    return [name for _, name, is_pkg in pkgutil.iter_modules([folder]) if not is_pkg and not name.startswith("_")]


def _app_package(entry: str) -> tuple[str, str] | None:
    """(package, folder) of an INSTALLED_APPS entry: a package, or an AppConfig class whose module is
    imported (cheap: it holds only the class) to read the package it configures."""
    try:
        spec = importlib.util.find_spec(entry)
    except ModuleNotFoundError:
        spec = None
    if spec is None:
        module_name, _, class_name = entry.rpartition(".")
        try:
            entry = getattr(importlib.import_module(module_name), class_name).name
            spec = importlib.util.find_spec(entry)
        except (ImportError, AttributeError):
            return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return entry, next(iter(spec.submodule_search_locations))


def help_text(prog: str) -> str | None:
    """Django's list of subcommands, found without importing any app (None when an installed app is
    named by its AppConfig class, which only Django itself can resolve)."""
    import django
    from django.conf import settings

    commands: dict[str, str] = dict.fromkeys(_command_names(os.path.dirname(django.__file__) + "/core"), "django")
    for entry in reversed(settings.INSTALLED_APPS):
        app = _app_package(entry)
        if app is None:
            return None
        package, folder = app
        for name in _command_names(folder):
            commands[name] = package.rpartition(".")[-1]
    by_app: defaultdict[str, list[str]] = defaultdict(list)
    for name, app in commands.items():
        by_app[app].append(name)
    lines = ["", f"Type '{prog} help <subcommand>' for help on a specific subcommand.", "", "Available subcommands:"]
    for app in sorted(by_app):
        lines += ["", f"[{app}]", *(f"    {name}" for name in sorted(by_app[app]))]
    return "\n".join(lines) + "\n"


def _run_fast(args: list[str]) -> bool:
    """Run `help` or a standalone command without setting Django up; False when Django must do it."""
    prog = os.path.basename(args[0])
    if args[1:] in (["help"], ["--help"], ["-h"]):
        text = help_text(prog)
        if text is None:
            return False
        sys.stdout.write(text)
        return True
    if len(args) > 1 and args[1] in DIRECT:
        importlib.import_module(DIRECT[args[1]]).main(args)
        return True
    if len(args) > 1 and args[1] in STANDALONE:
        command = importlib.import_module(STANDALONE[args[1]]).Command()
        command.run_from_argv(args)
        return True
    return False


def main(argv: list[str] | None = None) -> None:
    from civicdata.settings import select
    from civicdata.settings.declared import ConfigurationError

    args = translate_argv(list(sys.argv if argv is None else argv))
    try:
        if not os.environ.get("DJANGO_SETTINGS_MODULE"):
            os.environ["DJANGO_SETTINGS_MODULE"] = select()
        if _run_fast(args):
            return
        from django.core.management import execute_from_command_line

        execute_from_command_line(args)
    except ConfigurationError as exc:
        sys.stderr.write(f"civicdata: configuration error: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
