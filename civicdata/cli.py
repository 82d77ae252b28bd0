"""The `civicdata` console command: Django's management commands, plus `civicdata <app> <verb>` for
each app's own commands (management command `<app>_<verb>`), e.g. `civicdata catalog validate FILE`."""

from __future__ import annotations

import os
import sys

APPS = ("accounts", "catalog", "datastore", "demand", "projects", "core")


def translate_argv(argv: list[str]) -> list[str]:
    """Map `civicdata catalog validate …` to Django's `catalog_validate …`; other commands pass through."""
    if len(argv) >= 3 and argv[1] in APPS and not argv[2].startswith("-"):
        verb = argv[2].replace("-", "_")
        return [argv[0], f"{argv[1]}_{verb}", *argv[3:]]
    return argv


def main(argv: list[str] | None = None) -> None:
    from civicdata.settings import select
    from civicdata.settings.declared import ConfigurationError

    args = translate_argv(list(sys.argv if argv is None else argv))
    try:
        if not os.environ.get("DJANGO_SETTINGS_MODULE"):
            os.environ["DJANGO_SETTINGS_MODULE"] = select()
        from django.core.management import execute_from_command_line

        execute_from_command_line(args)
    except ConfigurationError as exc:
        sys.stderr.write(f"civicdata: configuration error: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
