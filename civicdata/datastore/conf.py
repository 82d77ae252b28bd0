"""Settings of the Data API, declared once so operators see them in `civicdata settings` and docs."""

from __future__ import annotations

from civicdata.settings.declared import Declared, as_float, as_int, as_list

SETTINGS = (
    Declared(
        "DATASTORE_QUERY_TIMEOUT",
        "2",
        "Seconds a Data API query (filter, sort, group-by or SQL) may run before it is interrupted.",
        as_float,
    ),
    Declared(
        "DATASTORE_EXPORT_TIMEOUT",
        "600",
        "Seconds a streamed full download may run before it is cut off.",
        as_float,
    ),
    Declared(
        "DATASTORE_QUERY_MEMORY_MB",
        "256",
        "Memory, in megabytes, that DuckDB may use for one process's Data API queries.",
        as_int,
    ),
    Declared(
        "DATASTORE_QUERY_THREADS",
        "2",
        "Threads DuckDB may use for one process's Data API queries.",
        as_int,
    ),
    Declared(
        "DATASTORE_MAX_CONCURRENT_QUERIES",
        "4",
        "Data API queries one process runs at the same time; further requests get 503 at once.",
        as_int,
    ),
    Declared(
        "DATASTORE_SQL_ROW_CAP",
        "10000",
        "Most rows the read-only SQL endpoint returns for one statement.",
        as_int,
    ),
    Declared(
        "DATASTORE_RESPONSE_MAX_MB",
        "16",
        "Largest JSON answer built from one query (a SQL result or a page of rows), in megabytes; SQL "
        "results stop at the last row that fits and say they were cut, pages too large ask for fewer rows.",
        as_int,
    ),
    Declared(
        "DATASTORE_RESULT_CACHE_MB",
        "64",
        "Memory, in megabytes, each web process keeps for answers of public tables (pages, matching "
        "counts, facets), reused until the table is loaded again; 0 turns the cache off.",
        as_int,
    ),
    Declared(
        "DATASTORE_MAX_COLUMNS",
        "2000",
        "Most columns a table may have; wider files are refused at ingest.",
        as_int,
    ),
    Declared(
        "DATASTORE_MAX_FILE_MB",
        "1536",
        "Largest file (upload, download or command-line path) the ingest accepts, in megabytes.",
        as_int,
    ),
    Declared(
        "DATASTORE_XLSX_MAX_UNCOMPRESSED_MB",
        "512",
        "Largest total uncompressed size of a spreadsheet's parts; guards against zip bombs.",
        as_int,
    ),
    Declared(
        "DATASTORE_INGEST_MEMORY_MB",
        "256",
        "Memory, in megabytes, that DuckDB may use while loading one file (it spills to disk beyond).",
        as_int,
    ),
    Declared(
        "DATASTORE_INGEST_PROCESS_MB",
        "2048",
        "Address space, in megabytes, of the child process that reads and loads one file; a file that "
        "needs more is refused and the worker keeps running. 0 loads inside the worker (no child).",
        as_int,
    ),
    Declared(
        "DATASTORE_ORPHAN_UPLOAD_HOURS",
        "24",
        "Uploads waiting in DATA_DIR/datastore-incoming that no waiting or running load uses are "
        "deleted once they are this many hours old.",
        as_float,
    ),
    Declared(
        "DATASTORE_OFFSET_MAX_ROWS",
        "50000",
        "Tables up to this many rows also accept `offset` paging; larger ones use cursors only.",
        as_int,
    ),
    Declared(
        "DATASTORE_MAP_MAX_POINTS",
        "5000",
        "Most points (or shapes) a table's map shows at once; the map says so when more rows match.",
        as_int,
    ),
    Declared(
        "DATASTORE_MAP_MAX_VERTICES",
        "100000",
        "Most corners all the shapes (areas and lines) on one map may have together: longer outlines "
        "are drawn with fewer corners, and shapes beyond the budget are left off (the map says so).",
        as_int,
    ),
    Declared(
        "LIVE_TABLE_ALLOWED_HOSTS",
        "",
        "Comma-separated database hosts or CIDR ranges that live tables may connect to although they are "
        "private or internal (where the office's databases usually are); others must be public addresses.",
        as_list,
    ),
    Declared(
        "LIVE_TABLE_SQLITE_DIRS",
        "",
        "Comma-separated folders whose SQLite files live tables may read (read-only); none by default.",
        as_list,
    ),
    Declared(
        "LIVE_TABLE_SECRET_KEY",
        "",
        "Key that encrypts the saved connection addresses of live tables; SECRET_KEY when empty (changing "
        "it means entering the connections again).",
        secret=True,
    ),
    Declared(
        "LIVE_TABLE_QUERY_TIMEOUT",
        "60",
        "Seconds a live table's copy query may run on the office's database before it is stopped.",
        as_float,
    ),
    Declared(
        "LIVE_TABLE_ROW_CAP",
        "1000000",
        "Most rows copied from a live table's database table or view at each refresh.",
        as_int,
    ),
)
