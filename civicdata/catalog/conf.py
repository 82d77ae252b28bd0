"""Settings of the catalog app (become Django settings of the same name; listed in docs/settings.md)."""

from __future__ import annotations

from civicdata.settings.declared import Declared, as_int, as_list

SETTINGS = (
    Declared(
        "CATALOG_MAX_BYTES",
        str(100 * 1024 * 1024),
        "Largest catalog (data.json) the validator, merger, importer and harvester will read, in bytes.",
        as_int,
    ),
    Declared(
        "CATALOG_MERGE_MAX_SOURCES",
        "10",
        "Most component catalogs one merge (page or API) takes; addresses among them are fetched in parallel.",
        as_int,
    ),
    Declared(
        "CATALOG_HARVEST_FILE_DIRS",
        "",
        "Comma-separated folders from which harvest sources may read `file:` addresses "
        "(the demo folder civicdata/catalog/demo_data is always allowed).",
        as_list,
    ),
    Declared(
        "CATALOG_LINK_CHECK_DELAY",
        "1",
        "Seconds the background link checker waits between two requests to the same host (politeness).",
        as_int,
    ),
    Declared(
        "CATALOG_CRAWL_MAX_PAGES",
        "200",
        "Most web pages one catalog completeness crawl reads before it stops.",
        as_int,
    ),
    Declared(
        "CATALOG_CRAWL_MAX_MB",
        "20",
        "Most megabytes of web pages one completeness crawl reads before it stops (one page at most 2 MB).",
        as_int,
    ),
    Declared(
        "CATALOG_CRAWL_DELAY_SECONDS",
        "1",
        "Seconds a completeness crawl waits between two pages (longer when the site's robots.txt asks).",
        as_int,
    ),
    Declared(
        "CATALOG_DESCRIPTION_MIN_LENGTH",
        "50",
        "Fewest characters a dataset's description needs before the release checklist lets it be published.",
        as_int,
    ),
)
