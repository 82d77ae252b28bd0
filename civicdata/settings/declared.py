"""Every setting civicdata reads from the environment, declared once with its default and help.

The same declarations feed the settings modules, `civicdata settings` (the list printed for operators)
and docs/settings.md, which a test keeps in step with this file.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


class ConfigurationError(Exception):
    """A setting has a value civicdata cannot run with; the message is one line for the operator."""


@dataclass(frozen=True)
class Declared:
    name: str
    default: str
    help: str
    cast: Callable[[str], Any] = str
    secret: bool = False

    def read(self, environ: dict[str, str] | None = None) -> Any:
        env = os.environ if environ is None else environ
        raw = env.get(self.name, self.default)
        try:
            return self.cast(raw)
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(f"{self.name}={raw!r} is not valid: {exc}") from None


def as_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true or false")


def as_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def as_int(raw: str) -> int:
    return int(raw.strip())


def as_float(raw: str) -> float:
    return float(raw.strip())


def as_offload(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"", "x-accel-redirect"}:
        raise ValueError("expected x-accel-redirect or nothing")
    return value


SETTINGS: tuple[Declared, ...] = (
    Declared(
        "CIVICDATA_ENV",
        "local",
        "Profile: local (demo and development), test, or production; any other value stops with an error.",
    ),
    Declared(
        "SECRET_KEY",
        "",
        "Django's signing key. Required in production; the local profile generates one under var/.",
        secret=True,
    ),
    Declared(
        "DATABASE_URL",
        "",
        "Database as a URL, e.g. postgres://user:pass@host:5432/civicdata. "
        "Empty means the embedded SQLite database var/civicdata.sqlite3.",
        secret=True,
    ),
    Declared(
        "ALLOWED_HOSTS",
        "127.0.0.1,localhost",
        "Comma-separated host names this site answers to.",
        as_list,
    ),
    Declared(
        "CSRF_TRUSTED_ORIGINS",
        "",
        "Comma-separated origins (scheme://host) trusted for form posts behind a proxy.",
        as_list,
    ),
    Declared(
        "SITE_URL",
        "http://127.0.0.1:8000",
        "Public base URL, used in e-mails, feeds and absolute links; the worker writes `/data.json` ahead "
        "for this address (requests naming another host serialise it themselves).",
    ),
    Declared(
        "SITE_NAME",
        "civicdata",
        "Name of the site as people know it, used in e-mail subjects and signatures instead of the host name.",
    ),
    Declared(
        "EMAIL_URL",
        "console:",
        "Where e-mail goes: console: (printed), smtp://user:pass@host:587?tls=1, or memory: (tests).",
        secret=True,
    ),
    Declared("DEFAULT_FROM_EMAIL", "civicdata <noreply@localhost>", "Sender of e-mails."),
    Declared("DATA_DIR", "var", "Folder for the embedded database, uploads, DuckDB tables and caches."),
    Declared(
        "SECURE_SSL",
        "false",
        "Behind HTTPS: secure cookies, HSTS and redirect to https. Must be true in production.",
        as_bool,
    ),
    Declared(
        "TRUST_PROXY_HEADERS",
        "false",
        "Trust the reverse proxy's headers: X-Forwarded-Proto to detect HTTPS, and X-Forwarded-For for the "
        "client address that rate limits count (read PROXY_HOPS entries from the right). Leave false when "
        "clients reach the server directly, or anyone can pick their own address.",
        as_bool,
    ),
    Declared(
        "PROXY_HOPS",
        "1",
        "How many trusted proxies append to X-Forwarded-For in front of civicdata (only with "
        "TRUST_PROXY_HEADERS): 1 for one nginx or load balancer, 2 for a CDN in front of it.",
        as_int,
    ),
    Declared(
        "API_RATE_ANONYMOUS",
        "600/m",
        "Requests one client address may make to /api/ without signing in, per s, m, h or d.",
    ),
    Declared(
        "API_RATE_SIGNED_IN",
        "3000/m",
        "Requests one signed-in person (session or API token) may make to /api/, per s, m, h or d.",
    ),
    Declared(
        "DOWNLOAD_SLOTS",
        "24",
        "Long downloads (data.json, Data API exports, files) one web process sends at once; more answer 503 at "
        "once. Keep it below the threads of `civicdata serve` (WEB_THREADS) so pages always find a free thread. "
        "0 turns the limit off.",
        as_int,
    ),
    Declared(
        "DOWNLOAD_SLOTS_PER_CLIENT",
        "4",
        "Long downloads one client address may receive at once from one web process; more answer 429. 0: no "
        "per-client limit.",
        as_int,
    ),
    Declared(
        "DOWNLOAD_OFFLOAD",
        "",
        "x-accel-redirect: stored files (distribution downloads) are sent by the reverse proxy (nginx's "
        "X-Accel-Redirect) instead of a web thread; empty: the web process sends them.",
        as_offload,
    ),
    Declared(
        "DOWNLOAD_OFFLOAD_PREFIX",
        "/_civicdata/",
        "With DOWNLOAD_OFFLOAD: the proxy's internal location that maps to DATA_DIR "
        "(nginx: `location /_civicdata/ { internal; alias /srv/civicdata/; }`).",
    ),
    Declared(
        "REDIS_URL",
        "",
        "Optional redis://host:6379/0 for the shared cache and rate-limit counts (needs the redis package); "
        "empty means the database holds them, which is enough for several web nodes on one PostgreSQL.",
        secret=True,
    ),
    Declared(
        "MAX_UPLOAD_MB",
        "200",
        "Largest file a person may upload, in megabytes; bigger uploads are refused with a clear message.",
        as_int,
    ),
    Declared(
        "FETCH_ALLOWED_HOSTS",
        "",
        "Comma-separated hosts or CIDR ranges that outbound fetching may reach even though they are "
        "private or loopback (for an intranet harvest source).",
        as_list,
    ),
    Declared(
        "FETCH_TIMEOUT",
        "20",
        "Seconds an outbound fetch waits to connect or for the next bytes before it gives up.",
        as_float,
    ),
    Declared(
        "FETCH_DEADLINE",
        "30",
        "Seconds a whole outbound fetch made while someone waits (validate or merge a catalog by address) "
        "may take — connect, redirects, headers and body — however slowly the other server trickles data; "
        "then it stops with a clear message.",
        as_float,
    ),
    Declared(
        "FETCH_BACKGROUND_DEADLINE",
        "1800",
        "The same overall deadline for fetches of the background worker (harvests, table loads by address).",
        as_float,
    ),
    Declared("FETCH_MAX_MB", "200", "Largest body an outbound fetch will read, in megabytes.", as_int),
    Declared(
        "MAP_TILE_URL",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Background tiles of the maps (Leaflet URL template with {z}/{x}/{y}); its host is added to the "
        "Content-Security-Policy. Empty draws the maps without a background.",
    ),
    Declared(
        "MAP_TILE_ATTRIBUTION",
        "© OpenStreetMap contributors",
        "Credit shown on the maps for the background tiles (required by most tile providers).",
    ),
    Declared(
        "LOG_LEVEL",
        "INFO",
        "Level of the application log written to standard error.",
    ),
    Declared(
        "DEMO_ACCOUNTS",
        "false",
        "Show the demo logins on the sign-in page (only for `make demo`).",
        as_bool,
    ),
)

BY_NAME = {declared.name: declared for declared in SETTINGS}


def value(name: str, environ: dict[str, str] | None = None) -> Any:
    """Read one declared setting from the environment."""
    return BY_NAME[name].read(environ)


def app_conf_modules(installed_apps: Sequence[str]) -> list[str]:
    """The `conf` modules of civicdata's own installed apps, in INSTALLED_APPS order.

    Only civicdata's apps are searched: a third-party app's `conf.py` means something else.
    """
    found = []
    for entry in installed_apps:
        if not entry.startswith("civicdata.") or entry.rpartition(".")[2][:1].isupper():
            # An AppConfig class path (civicdata.x.apps.XConfig) has no conf module; looking for one
            # would import the module holding the class, and with it Django's system checks.
            continue
        module_name = f"{entry}.conf"
        try:
            spec = importlib.util.find_spec(module_name)
        except ModuleNotFoundError:  # an AppConfig path such as civicdata.x.apps.XConfig
            spec = None
        if spec is not None:
            found.append(module_name)
    return found


def all_declared(installed_apps: Sequence[str] | None = None) -> tuple[Declared, ...]:
    """The core declarations plus those of each app's optional `conf.py` (a tuple named SETTINGS).

    `installed_apps` defaults to the configured INSTALLED_APPS; the settings module passes its own
    list because Django's settings are not configured yet while it runs.
    """
    if installed_apps is None:
        from django.conf import settings

        installed_apps = settings.INSTALLED_APPS
    found = list(SETTINGS)
    for module_name in app_conf_modules(installed_apps):
        found.extend(getattr(importlib.import_module(module_name), "SETTINGS", ()))
    return tuple(found)


def app_settings(installed_apps: Sequence[str]) -> dict[str, Any]:
    """Values of every app-declared setting, for the settings module to expose."""
    return {declared.name: declared.read() for declared in all_declared(installed_apps) if declared not in SETTINGS}
