"""OAI-PMH 2.0 over the public catalog: the same records as `/data.json`, in Dublin Core (`oai_dc`).

Harvesters (library discovery systems, national aggregators) ask for records changed since a date,
page through them with resumption tokens and learn of withdrawn datasets as deleted records. Everything
is read from the catalog tables at request time, so the answers follow every change at once.

Identifiers are `oai:<host>:<dataset uuid>` (the uuid never changes, unlike the name); sets are
publishers (a publisher's set holds its sub-organisations' datasets too).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

import orjson
from django.conf import settings
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from civicdata.accounts.models import Organization
from civicdata.catalog import records
from civicdata.catalog.models import PUBLIC_LEVELS, Dataset
from civicdata.catalog.publishing import organization_tree_ids

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
ET.register_namespace("", OAI_NS)
ET.register_namespace("oai_dc", OAI_DC_NS)
ET.register_namespace("dc", DC_NS)
ET.register_namespace("xsi", XSI_NS)

METADATA_FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC_NS),
}
VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}
PAGE_SIZE = 100
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
# Characters XML 1.0 cannot carry, even escaped: user text holding them would make the answer unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class OaiError(Exception):
    """An OAI-PMH error condition (`code` is one of the protocol's codes)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Selection:
    """What a list request asks for; a resumption token carries it to the next page."""

    prefix: str
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    set_spec: str = ""
    after_id: int = 0
    cursor: int = 0
    from_text: str = ""
    until_text: str = ""

    def token(self, *, after_id: int, cursor: int) -> str:
        payload = {"p": self.prefix, "f": self.from_text, "u": self.until_text, "s": self.set_spec}
        payload |= {"a": after_id, "c": cursor}
        return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def _clean(text: Any) -> str:
    return _NOT_XML.sub("", str(text))


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_date(text: str, *, end: bool) -> dt.datetime:
    if _DAY.match(text):
        day = dt.date.fromisoformat(text)
        moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min, tzinfo=dt.UTC)
        return moment
    if _SECOND.match(text):
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    raise OaiError("badArgument", f"'{text}' is not a date in the form YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.")


def _selection(args: Mapping[str, str]) -> Selection:
    token = args.get("resumptionToken")
    if token:
        try:
            padded = token + "=" * (-len(token) % 4)
            data = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
            prefix, from_text, until_text, set_spec = (str(data[k]) for k in ("p", "f", "u", "s"))
            after_id, cursor = int(data["a"]), int(data["c"])
        except (binascii.Error, orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise OaiError("badResumptionToken", "The resumption token is not one this repository issued.") from error
        if prefix not in METADATA_FORMATS or after_id < 0 or cursor < 0:
            raise OaiError("badResumptionToken", "The resumption token is not one this repository issued.")
    else:
        prefix = args["metadataPrefix"]
        from_text, until_text, set_spec = args.get("from", ""), args.get("until", ""), args.get("set", "")
        after_id = cursor = 0
        if prefix not in METADATA_FORMATS:
            raise OaiError("cannotDisseminateFormat", f"Records are available as oai_dc, not '{prefix}'.")
    start = _parse_date(from_text, end=False) if from_text else None
    end = _parse_date(until_text, end=True) if until_text else None
    if from_text and until_text and len(from_text) != len(until_text):
        raise OaiError("badArgument", "'from' and 'until' must use the same granularity.")
    if start and end and start > end:
        raise OaiError("badArgument", "'from' is later than 'until'.")
    return Selection(prefix, start, end, set_spec, after_id, cursor, from_text, until_text)


def _public_q() -> Q:
    return Q(is_published=True, withdrawn_at__isnull=True, needs_fixing=False, access_level__in=PUBLIC_LEVELS) & ~Q(
        is_valid=False
    )


def _harvestable() -> QuerySet[Dataset]:
    """Datasets in the public listing, and those that were public once (reported as deleted)."""
    return Dataset.objects.filter(_public_q() | Q(published_at__isnull=False))


def _selected(selection: Selection) -> QuerySet[Dataset]:
    queryset = _harvestable()
    if selection.start:
        queryset = queryset.filter(updated_at__gte=selection.start)
    if selection.end:
        queryset = queryset.filter(updated_at__lte=selection.end)
    if selection.set_spec:
        publisher = Organization.objects.filter(slug=selection.set_spec, kind="publisher").first()
        if publisher is None:
            raise OaiError("noRecordsMatch", f"There is no set '{selection.set_spec}'.")
        queryset = queryset.filter(publisher_id__in=organization_tree_ids(publisher))
    return queryset


class Repository:
    """Answers OAI-PMH requests for one base URL."""

    def __init__(self, *, base_url: str, site_url: str, host: str) -> None:
        self.base_url = base_url
        self.site_url = site_url.rstrip("/")
        self.host = host

    # -- identifiers ---------------------------------------------------------------------------------

    def identifier(self, dataset_uuid: Any) -> str:
        return f"oai:{self.host}:{dataset_uuid}"

    def _dataset_for(self, identifier: str) -> Dataset:
        prefix = f"oai:{self.host}:"
        key = identifier.removeprefix(prefix) if identifier.startswith(prefix) else ""
        dataset = None
        if re.fullmatch(r"[0-9a-fA-F-]{32,36}", key):
            dataset = _harvestable().filter(uuid=key).first()
        if dataset is None:
            raise OaiError("idDoesNotExist", f"'{identifier}' is not an identifier in this repository.")
        return dataset

    # -- the response frame ---------------------------------------------------------------------------

    def respond(self, args: Mapping[str, str], *, repeated: bool = False) -> bytes:
        """The whole OAI-PMH answer (an XML document) to one request's arguments; `repeated` says an
        argument was given more than once (an error the protocol names)."""
        root = ET.Element(f"{{{OAI_NS}}}OAI-PMH")
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
        ET.SubElement(root, f"{{{OAI_NS}}}responseDate").text = _stamp(timezone.now())
        request_el = ET.SubElement(root, f"{{{OAI_NS}}}request")
        request_el.text = self.base_url
        try:
            if repeated:
                raise OaiError("badArgument", "An argument is repeated.")
            verb = self._check(args)
            for name, value in args.items():
                request_el.set(name, _clean(value))
            handlers = {
                "Identify": self._identify,
                "ListMetadataFormats": self._list_metadata_formats,
                "ListSets": self._list_sets,
                "ListIdentifiers": self._list_identifiers,
                "ListRecords": self._list_records,
                "GetRecord": self._get_record,
            }
            body = handlers[verb](args)
            root.append(body)
        except OaiError as error:
            ET.SubElement(root, f"{{{OAI_NS}}}error", code=error.code).text = error.message
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def _check(self, args: Mapping[str, str]) -> str:
        verb = args.get("verb", "")
        if verb not in VERBS:
            raise OaiError("badVerb", "The verb is missing or is not an OAI-PMH verb.")
        required, optional = VERBS[verb]
        given = set(args) - {"verb"}
        if "resumptionToken" in given and given != {"resumptionToken"}:
            raise OaiError("badArgument", "A resumption token must be the only argument besides the verb.")
        missing = required - given if "resumptionToken" not in given else set()
        unknown = given - required - optional
        if missing or unknown:
            parts = [f"missing {', '.join(sorted(missing))}"] if missing else []
            parts += [f"not allowed: {', '.join(sorted(unknown))}"] if unknown else []
            raise OaiError("badArgument", f"{verb}: {'; '.join(parts)}.")
        return verb

    # -- verbs ---------------------------------------------------------------------------------------

    def _identify(self, args: Mapping[str, str]) -> ET.Element:
        body = ET.Element(f"{{{OAI_NS}}}Identify")
        earliest = _harvestable().aggregate(first=Min("updated_at"))["first"] or timezone.now()
        admin = settings.DEFAULT_FROM_EMAIL
        admin = admin.split("<", 1)[1].rstrip(">").strip() if "<" in admin else admin
        for tag, text in (
            ("repositoryName", settings.SITE_NAME),
            ("baseURL", self.base_url),
            ("protocolVersion", "2.0"),
            ("adminEmail", admin),
            ("earliestDatestamp", _stamp(earliest)),
            ("deletedRecord", "transient"),
            ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
        ):
            ET.SubElement(body, f"{{{OAI_NS}}}{tag}").text = _clean(text)
        return body

    def _list_metadata_formats(self, args: Mapping[str, str]) -> ET.Element:
        if "identifier" in args:
            self._dataset_for(args["identifier"])
        body = ET.Element(f"{{{OAI_NS}}}ListMetadataFormats")
        for prefix, (schema, namespace) in METADATA_FORMATS.items():
            fmt = ET.SubElement(body, f"{{{OAI_NS}}}metadataFormat")
            ET.SubElement(fmt, f"{{{OAI_NS}}}metadataPrefix").text = prefix
            ET.SubElement(fmt, f"{{{OAI_NS}}}schema").text = schema
            ET.SubElement(fmt, f"{{{OAI_NS}}}metadataNamespace").text = namespace
        return body

    def _list_sets(self, args: Mapping[str, str]) -> ET.Element:
        if "resumptionToken" in args:
            raise OaiError("badResumptionToken", "The set list is complete in one answer.")
        body = ET.Element(f"{{{OAI_NS}}}ListSets")
        for org in Organization.objects.filter(kind="publisher").order_by("slug"):
            entry = ET.SubElement(body, f"{{{OAI_NS}}}set")
            ET.SubElement(entry, f"{{{OAI_NS}}}setSpec").text = org.slug
            ET.SubElement(entry, f"{{{OAI_NS}}}setName").text = _clean(org.name)
        return body

    def _get_record(self, args: Mapping[str, str]) -> ET.Element:
        if args["metadataPrefix"] not in METADATA_FORMATS:
            raise OaiError(
                "cannotDisseminateFormat", f"Records are available as oai_dc, not '{args['metadataPrefix']}'."
            )
        dataset = self._dataset_for(args["identifier"])
        body = ET.Element(f"{{{OAI_NS}}}GetRecord")
        body.append(next(self._records([dataset.pk], with_metadata=True)))
        return body

    def _list_identifiers(self, args: Mapping[str, str]) -> ET.Element:
        return self._list("ListIdentifiers", args, with_metadata=False)

    def _list_records(self, args: Mapping[str, str]) -> ET.Element:
        return self._list("ListRecords", args, with_metadata=True)

    def _list(self, verb: str, args: Mapping[str, str], *, with_metadata: bool) -> ET.Element:
        selection = _selection(args)
        queryset = _selected(selection)
        ids = list(queryset.filter(id__gt=selection.after_id).order_by("id").values_list("id", flat=True)[:PAGE_SIZE])
        if not ids:
            if selection.after_id:
                raise OaiError("badResumptionToken", "The resumption token points past the end of the list.")
            raise OaiError("noRecordsMatch", "No records match these arguments.")
        body = ET.Element(f"{{{OAI_NS}}}{verb}")
        for element in self._records(ids, with_metadata=with_metadata):
            body.append(element if with_metadata else element.find(f"{{{OAI_NS}}}header"))
        total = queryset.count()
        shown = selection.cursor + len(ids)
        if shown < total or selection.after_id:
            token = ET.SubElement(body, f"{{{OAI_NS}}}resumptionToken")
            token.set("completeListSize", str(total))
            token.set("cursor", str(selection.cursor))
            more = queryset.filter(id__gt=ids[-1]).exists()
            token.text = selection.token(after_id=ids[-1], cursor=shown) if more else ""
        return body

    # -- records -------------------------------------------------------------------------------------

    def _records(self, ids: list[int], *, with_metadata: bool) -> Iterator[ET.Element]:
        datasets = {
            d.pk: d
            for d in Dataset.objects.filter(pk__in=ids).only(
                "pk", "uuid", "name", "identifier", "updated_at", "publisher_id"
            )
        }
        public_ids = set(Dataset.objects.filter(_public_q(), pk__in=ids).values_list("pk", flat=True))
        pods: dict[int, dict] = {}
        if with_metadata and public_ids:
            pods = dict(records.iter_pod_rows(Dataset.objects.filter(pk__in=public_ids).order_by("id"), links_base=""))
        tree = _set_specs({d.publisher_id for d in datasets.values()})
        for pk in ids:
            dataset = datasets[pk]
            record = ET.Element(f"{{{OAI_NS}}}record")
            header = ET.SubElement(record, f"{{{OAI_NS}}}header")
            if pk not in public_ids:
                header.set("status", "deleted")
            ET.SubElement(header, f"{{{OAI_NS}}}identifier").text = self.identifier(dataset.uuid)
            ET.SubElement(header, f"{{{OAI_NS}}}datestamp").text = _stamp(dataset.updated_at)
            for spec in tree.get(dataset.publisher_id, []):
                ET.SubElement(header, f"{{{OAI_NS}}}setSpec").text = spec
            if with_metadata and pk in public_ids:
                metadata = ET.SubElement(record, f"{{{OAI_NS}}}metadata")
                page_url = f"{self.site_url}{dataset.get_absolute_url()}"
                metadata.append(dublin_core(pods[pk], page_url=page_url))
            yield record


def _set_specs(publisher_ids: set[int]) -> dict[int, list[str]]:
    """Each publisher's set and the sets of the organisations above it (a dataset is in all of them)."""
    orgs = {o.pk: o for o in Organization.objects.filter(kind="publisher").only("pk", "slug", "parent_id")}
    result: dict[int, list[str]] = {}
    for pk in publisher_ids:
        specs, seen, current = [], set(), orgs.get(pk)
        while current is not None and current.pk not in seen:
            specs.append(current.slug)
            seen.add(current.pk)
            current = orgs.get(current.parent_id) if current.parent_id else None
        result[pk] = specs
    return result


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int, float)) and str(v).strip()]
    if isinstance(value, (str, int, float)) and str(value).strip():
        return [str(value)]
    return []


def dublin_core(obj: dict[str, Any], *, page_url: str) -> ET.Element:
    """A POD v1.1 dataset as simple Dublin Core (`oai_dc:dc`)."""
    root = ET.Element(f"{{{OAI_DC_NS}}}dc")
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")

    def add(tag: str, values: list[str]) -> None:
        for value in values:
            ET.SubElement(root, f"{{{DC_NS}}}{tag}").text = _clean(value)

    publisher = obj.get("publisher") if isinstance(obj.get("publisher"), dict) else {}
    distributions = [d for d in obj.get("distribution") or [] if isinstance(d, dict)]
    add("title", _texts(obj.get("title")))
    add("creator", _texts(publisher.get("name")))
    add("subject", _texts(obj.get("keyword")) + _texts(obj.get("theme")))
    add("description", _texts(obj.get("description")))
    add("publisher", _texts(publisher.get("name")))
    add("date", _texts(obj.get("modified")) + _texts(obj.get("issued")))
    add("type", ["Dataset"])
    add("format", sorted({t for d in distributions for t in _texts(d.get("mediaType")) + _texts(d.get("format"))}))
    add("identifier", [*_texts(obj.get("identifier")), page_url, *_texts(obj.get("landingPage"))])
    add("source", [u for d in distributions for u in _texts(d.get("downloadURL")) + _texts(d.get("accessURL"))])
    add("language", _texts(obj.get("language")))
    add("relation", _texts(obj.get("references")) + _texts(obj.get("isPartOf")))
    add("coverage", _texts(obj.get("spatial")) + _texts(obj.get("temporal")))
    add("rights", _texts(obj.get("license")) + _texts(obj.get("rights")))
    return root
