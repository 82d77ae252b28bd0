"""The catalog completeness crawl: walk an office's own web pages and list the data files they link to,
so staff can see which ones the catalog does not describe yet.

The crawl reads HTML pages only, on the hosts it was given (never anywhere else), through the SSRF-safe
fetcher; it honours robots.txt (RFC 9309: an unreachable robots.txt allows, a server error forbids), waits
between requests, and stops at a page budget and a byte budget. Data files are recognised by their
extension and are never downloaded; links to them are listed wherever they point.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from civicdata.core.fetch import USER_AGENT, FetchError, FetchResponse, fetch

#: Extensions of the data files the crawl looks for, with the format name shown to staff.
DATA_KINDS: dict[str, str] = {
    ".csv": "CSV",
    ".tsv": "TSV",
    ".xlsx": "Excel",
    ".xls": "Excel",
    ".ods": "OpenDocument spreadsheet",
    ".json": "JSON",
    ".geojson": "GeoJSON",
    ".zip": "ZIP",
    ".kml": "KML",
    ".kmz": "KMZ",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".parquet": "Parquet",
    ".xml": "XML",
    ".pdf": "PDF",
}
#: Links with these extensions are neither pages to read nor data files.
NOT_PAGES = {
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".css", ".js", ".mp3", ".mp4", ".mov", ".avi",
    ".doc", ".docx", ".ppt", ".pptx", ".txt", ".rtf", ".woff", ".woff2", ".ttf", ".eot", ".exe", ".dmg",
}  # fmt: skip
MAX_LINKS_PER_PAGE = 5000
MAX_LINK_TEXT = 200
MAX_CRAWL_DELAY = 10.0
ROBOTS_BYTES = 256 * 1024


@dataclass(frozen=True)
class Budget:
    max_pages: int = 200
    max_bytes: int = 20 * 1024 * 1024
    page_bytes: int = 2 * 1024 * 1024
    delay: float = 1.0


@dataclass(frozen=True)
class FoundFile:
    url: str
    found_on: str
    text: str
    kind: str


@dataclass
class CrawlResult:
    pages: int = 0
    bytes: int = 0
    files: list[FoundFile] = field(default_factory=list)
    #: (url, reason) of pages not read: robots.txt, errors, off-host redirects
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: "" when every reachable page was read, else "pages" or "bytes" (a budget ran out)
    stopped: str = ""


def normalise(url: str) -> str:
    """The form URLs are compared in: lower-case scheme and host, no default port, no fragment."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", parts.query, ""))


def data_kind(url: str) -> str:
    """The format name of a data file link ("" when the link is not to a data file)."""
    suffix = PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()
    return DATA_KINDS.get(suffix, "")


def _is_page(url: str) -> bool:
    suffix = PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()
    return suffix not in NOT_PAGES and suffix not in DATA_KINDS


class _Links(HTMLParser):
    """The links of one page with their text (bounded: a page cannot make the crawl hold more)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.base = ""
        self._open: list[str] | None = None
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(self.links) >= MAX_LINKS_PER_PAGE:
            return
        values = dict(attrs)
        if tag == "base" and values.get("href") and not self.base:
            self.base = values["href"] or ""
        elif tag in ("a", "area") and values.get("href"):
            self._close()
            self._href = values["href"] or ""
            self._open = []
            if tag == "area":
                self._open.append(values.get("alt") or "")
                self._close()

    def handle_data(self, data: str) -> None:
        if self._open is not None and sum(map(len, self._open)) < MAX_LINK_TEXT:
            self._open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._close()

    def _close(self) -> None:
        if self._open is not None:
            text = " ".join(" ".join(self._open).split())[:MAX_LINK_TEXT]
            self.links.append((self._href, text))
        self._open = None


def page_links(html: str, *, page_url: str) -> list[tuple[str, str]]:
    """(absolute URL, link text) of every http(s) link on a page."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    parser._close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    result = []
    for href, text in parser.links:
        absolute = urljoin(base, href.strip())
        if urlsplit(absolute).scheme in ("http", "https"):
            result.append((absolute.split("#", 1)[0], text))
    return result


def _decode(response: FetchResponse) -> str:
    charset = ""
    for part in response.headers.get("content-type", "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"')
    try:
        return response.body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return response.body.decode("utf-8", errors="replace")


class _Robots:
    """robots.txt of each host, read once."""

    def __init__(self, fetcher: Callable[..., FetchResponse], stay_on: frozenset[str]) -> None:
        self.fetcher = fetcher
        self.stay_on = stay_on
        self.rules: dict[str, RobotFileParser | bool] = {}

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.rules:
            self.rules[origin] = self._read(origin)
        rules = self.rules[origin]
        return rules if isinstance(rules, bool) else rules.can_fetch(USER_AGENT, url)

    def delay(self, url: str) -> float:
        parts = urlsplit(url)
        rules = self.rules.get(f"{parts.scheme}://{parts.netloc}")
        if isinstance(rules, RobotFileParser):
            value = rules.crawl_delay(USER_AGENT)
            return min(float(value), MAX_CRAWL_DELAY) if value else 0.0
        return 0.0

    def _read(self, origin: str) -> RobotFileParser | bool:
        try:
            response = self.fetcher(f"{origin}/robots.txt", max_bytes=ROBOTS_BYTES, stay_on=self.stay_on)
        except FetchError as error:
            # Refused by the SSRF rules: nothing on this host may be read. Unreachable: no rules.
            return not error.code.startswith("fetch.blocked")
        if response.status >= 500:
            return False
        if response.status >= 400:
            return True
        parser = RobotFileParser()
        parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
        return parser


def crawl(
    start_urls: list[str],
    *,
    budget: Budget,
    fetcher: Callable[..., FetchResponse] = fetch,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[CrawlResult], None] | None = None,
) -> CrawlResult:
    """Read the pages reachable from `start_urls` on their hosts and list the data files they link to."""
    hosts = {normalise(url).split("/")[2] for url in start_urls}
    # The fetcher refuses redirects to any other site, so no byte is read off the named hosts.
    stay_on = frozenset(hosts | {f"{h}:{port}" for h in hosts if ":" not in h for port in (80, 443)})
    robots = _Robots(fetcher, stay_on)
    result = CrawlResult()
    queue = deque(normalise(url) for url in start_urls)
    seen = set(queue)
    found: set[str] = set()
    while queue:
        if result.pages >= budget.max_pages:
            result.stopped = "pages"
            break
        if result.bytes >= budget.max_bytes:
            result.stopped = "bytes"
            break
        url = queue.popleft()
        if not robots.allows(url):
            result.skipped.append((url, "robots"))
            continue
        if result.pages:
            sleep(max(budget.delay, robots.delay(url)))
        try:
            limit = min(budget.page_bytes, budget.max_bytes - result.bytes)
            response = fetcher(url, max_bytes=limit, stay_on=stay_on)
        except FetchError as error:
            result.skipped.append((url, error.code))
            continue
        result.pages += 1
        result.bytes += len(response.body)
        seen.add(normalise(response.url))
        if response.status >= 400 or response.content_type not in ("text/html", "application/xhtml+xml"):
            if response.status >= 400:
                result.skipped.append((url, f"http_{response.status}"))
            continue
        for link, text in page_links(_decode(response), page_url=response.url):
            key = normalise(link)
            kind = data_kind(link)
            if kind:
                if key not in found:
                    found.add(key)
                    result.files.append(FoundFile(url=link, found_on=response.url, text=text, kind=kind))
            elif key.split("/")[2] in hosts and key not in seen and _is_page(link):
                seen.add(key)
                queue.append(key)
        if progress:
            progress(result)
    return result
