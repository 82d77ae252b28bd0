"""Settings profiles: `base` (shared), `local` (demo and development), `test`, `production`.

`civicdata.settings.select()` picks the module from CIVICDATA_ENV so that the console command and WSGI
entry point agree.
"""

import os

from civicdata.settings.declared import ConfigurationError

PROFILES = ("local", "test", "production")


def select() -> str:
    """The settings module for CIVICDATA_ENV (unset or empty means local).

    An unknown profile raises ConfigurationError instead of falling back to local: a typo such as
    `CIVICDATA_ENV=prodution` must not start the site with the demo's settings.
    """
    profile = os.environ.get("CIVICDATA_ENV", "local").strip() or "local"
    if profile not in PROFILES:
        raise ConfigurationError(f"CIVICDATA_ENV={profile!r} is not a profile; use one of {', '.join(PROFILES)}")
    return f"civicdata.settings.{profile}"
