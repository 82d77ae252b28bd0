"""OGC Catalogue Service for the Web at `/csw`, in versions 2.0.2 (`v2`) and 3.0.0 (`v3`) over one shared
query layer (`query`: constraints, paging, Dublin Core records read from the catalog tables at request
time, so `/csw`, `/oai` and `/data.json` stay in step).

`Catalogue` picks the version of each request: GetCapabilities negotiates with `AcceptVersions` (the
client's order of preference), else follows `version=3.0.0` or a `csw30` XML request, else answers 2.0.2 as
this endpoint always has; every other operation follows its `version` parameter or XML namespace. Errors
raised while answering 3.0 come back as OWS 2.0 exception reports, others as OWS 1.0 ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from civicdata.catalog.csw.query import (
    CSW30_NS,
    MAX_BODY_BYTES,
    NAMESPACES,
    VERSION,
    VERSION3,
    VERSIONS,
    CswError,
    exception_report,
    local,
    parse_xml,
)
from civicdata.catalog.csw.v2 import Csw2
from civicdata.catalog.csw.v3 import XML, Answer, Csw3

__all__ = ["MAX_BODY_BYTES", "Catalogue", "CswError", "exception_report"]


def negotiate(accepted: list[str], default: str) -> str:
    """The first of the client's `AcceptVersions` this service speaks (`default` when it names none)."""
    if not accepted:
        return default
    for version in accepted:
        if version in VERSIONS:
            return version
    raise CswError(
        "VersionNegotiationFailed",
        f"This service speaks CSW {' and '.join(VERSIONS)}; the request accepts {', '.join(accepted)[:200]}.",
        "AcceptVersions",
        # An OWS 1.0 report for clients that only know versions before 3; OWS 2.0 for the others.
        version=VERSION if default == VERSION and all(v.startswith(("0", "1", "2")) for v in accepted) else VERSION3,
    )


class Catalogue:
    """Answers CSW requests of either version for one base URL."""

    def __init__(self, *, base_url: str, site_url: str) -> None:
        self.v2 = Csw2(base_url=base_url, site_url=site_url)
        self.v3 = Csw3(base_url=base_url, site_url=site_url)

    def respond_kvp(self, params: Mapping[str, str]) -> Answer:
        """A KVP request (GET or form POST) as the answer's bytes and content type."""
        args = {key.lower(): value for key, value in params.items()}
        asked = VERSION3 if args.get("version", "").strip().startswith("3") else VERSION
        if args.get("request") == "GetCapabilities":
            accepted = [v.strip() for v in args.get("acceptversions", "").split(",") if v.strip()]
            asked = negotiate(accepted, asked)
        if asked == VERSION3:
            return _as_v3(lambda: self.v3.respond_kvp(args))
        return self.v2.respond_kvp(params), XML

    def respond_xml(self, body: bytes) -> Answer:
        """An XML POST request as the answer's bytes and content type."""
        try:
            root = parse_xml(body)
        except CswError as error:
            if CSW30_NS.encode() in body[:4096]:
                error.version = VERSION3
            raise
        namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
        asked = VERSION3 if namespace == CSW30_NS else VERSION
        if local(root.tag) == "GetCapabilities":
            accepted = [
                (v.text or "").strip()
                for path in ("ows:AcceptVersions/ows:Version", "ows20:AcceptVersions/ows20:Version")
                for v in root.iterfind(path, NAMESPACES)
            ]
            chosen = negotiate(accepted, asked)
            if chosen != asked:  # e.g. a 2.0.2-style request that accepts 3.0.0 first
                if chosen == VERSION3:
                    return _as_v3(self.v3.capabilities)
                return self.v2.capabilities(), XML
        if asked == VERSION3:
            return _as_v3(lambda: self.v3.respond_xml(root))
        return self.v2.respond_xml(root), XML


def _as_v3(answer: Callable[[], Answer]) -> Answer:
    try:
        return answer()
    except CswError as error:
        error.version = VERSION3
        raise
