"""The one place DuckDB connections are opened, so every connection carries the same hardening.

Every connection: no extension is installed or loaded behind our back (known, community or
otherwise), and a memory limit (and optionally a thread count) bounds what one query can take.
`seal` then locks a connection that runs untrusted SQL: no file or network access beyond what is
already attached, and no `SET` that could lift a limit.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def connect(
    database: str | Path = ":memory:",
    *,
    memory_mb: int,
    threads: int | None = None,
    temp_directory: str | Path | None = None,
    spill: bool = True,
) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB database (a file, or ":memory:") with the project's hardening.

    `spill=False` forbids writing temporary files, so a query over the memory limit fails instead of
    filling the disk.
    """
    config: dict[str, str | int | bool] = {
        "autoload_known_extensions": False,
        "autoinstall_known_extensions": False,
        "allow_community_extensions": False,
        "memory_limit": f"{memory_mb}MB",
    }
    if threads is not None:
        config["threads"] = threads
    if temp_directory is not None:
        config["temp_directory"] = str(temp_directory)
    if not spill:
        config["max_temp_directory_size"] = "0KiB"
    return duckdb.connect(str(database), config=config)


def seal(conn: duckdb.DuckDBPyConnection) -> None:
    """Lock a connection for untrusted SQL: no new file or network access, no configuration changes.

    Call it after attaching what the connection may read: once sealed, nothing more can be attached.
    """
    conn.execute("SET enable_external_access = false")
    conn.execute("SET lock_configuration = true")
