"""Every DuckDB connection is opened by one factory with the same hardening."""

from __future__ import annotations

import duckdb
import pytest

from civicdata.core import duckdb as embedded


def _setting(conn: duckdb.DuckDBPyConnection, name: str) -> object:
    return conn.execute(f"SELECT current_setting('{name}')").fetchone()[0]


def test_connections_load_no_extension_and_respect_limits(tmp_path) -> None:
    """No extension is installed or loaded behind our back; memory and threads are bounded."""
    conn = embedded.connect(tmp_path / "x.duckdb", memory_mb=64, threads=1, temp_directory=tmp_path / "spill")
    try:
        assert _setting(conn, "autoload_known_extensions") is False
        assert _setting(conn, "autoinstall_known_extensions") is False
        assert _setting(conn, "allow_community_extensions") is False
        assert _setting(conn, "threads") == 1
        assert _setting(conn, "memory_limit") in ("64.0 MiB", "61.0 MiB", "64.0 MB")
    finally:
        conn.close()


def test_sealed_connection_reads_attached_data_but_nothing_else(tmp_path) -> None:
    """After `seal`, files cannot be read, databases cannot be attached and limits cannot be lifted."""
    outside = tmp_path / "secret.csv"
    outside.write_text("a\n1\n")
    conn = embedded.connect(memory_mb=64, spill=False)
    conn.execute("CREATE TABLE t AS SELECT 1 AS a")
    embedded.seal(conn)
    try:
        assert conn.execute("SELECT a FROM t").fetchall() == [(1,)]
        with pytest.raises(duckdb.Error):
            conn.execute(f"SELECT * FROM read_csv('{outside}')").fetchall()  # noqa: S608 - a test path
        with pytest.raises(duckdb.Error):
            conn.execute(f"ATTACH '{tmp_path / 'other.duckdb'}' AS other")
        with pytest.raises(duckdb.Error):
            conn.execute("SET memory_limit = '10GB'")
        with pytest.raises(duckdb.Error):
            conn.execute("SET enable_external_access = true")
        assert _setting(conn, "max_temp_directory_size") in ("0 bytes", "0.0 KiB", "0 KiB", "0.0 B")
    finally:
        conn.close()
