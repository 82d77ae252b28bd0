"""Settings of the shared plumbing that belongs to no app: how workers show they are alive."""

from __future__ import annotations

from civicdata.settings.declared import Declared, as_float

SETTINGS = (
    Declared(
        "WORKER_HEARTBEAT_SECONDS",
        "10",
        "Seconds between the heartbeats a worker (and each job it runs) writes to the database.",
        as_float,
    ),
    Declared(
        "WORKER_STALE_SECONDS",
        "120",
        "A running job or harvest whose heartbeat is older than this is taken as stopped: it is marked "
        "failed and, when that is safe, queued again.",
        as_float,
    ),
)
