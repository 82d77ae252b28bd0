"""Settings profiles: `base` (shared), `local` (demo and development), `test`, `production`.

`civicdata.settings.select()` picks the module from CIVICDATA_ENV so that the console command and WSGI
entry point agree.
"""

import os


def select() -> str:
    profile = os.environ.get("CIVICDATA_ENV", "local").strip() or "local"
    if profile not in {"local", "test", "production"}:
        profile = "local"
    return f"civicdata.settings.{profile}"
