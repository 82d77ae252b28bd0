"""/api/reuses/: the published reuse showcase, and submitting a reuse (signed in; it goes to the
moderation queue like one sent from the page)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from civicdata.accounts.auth import signed_in
from civicdata.core.errors import InvalidInput
from civicdata.core.pagination import CursorPage, paginate

from .. import services
from ..models import Reuse, ReuseKind

router = Router()


class ReuseOut(Schema):
    id: int
    title: str
    kind: str
    description: str
    link: str
    featured: bool
    datasets: list[str]
    data_requests: list[int]
    image: str | None
    published_at: dt.datetime
    url: str


class ReuseIn(Schema):
    title: str
    kind: str = ReuseKind.APPLICATION
    description: str
    link: str
    datasets: list[str] = []
    data_requests: list[int] = []
    submit: bool = True


class ReuseSubmitted(Schema):
    id: int
    state: str
    url: str


def _reuse(reuse: Reuse) -> dict:
    has_image = getattr(reuse, "has_image", None)
    if has_image is None:
        has_image = hasattr(reuse, "image")
    return {
        "id": reuse.pk,
        "title": reuse.title,
        "kind": reuse.kind,
        "description": reuse.description,
        "link": reuse.url,
        "featured": reuse.featured,
        "datasets": [d.name for d in reuse.datasets.all()],
        "data_requests": [r.pk for r in reuse.data_requests.all()],
        "image": f"{reuse.get_absolute_url()}image.jpg" if has_image else None,
        "published_at": reuse.published_at,
        "url": reuse.get_absolute_url(),
    }


def _listing():
    from django.db.models import Exists, OuterRef

    from ..models import ReuseImage

    return (
        Reuse.objects.published()
        .annotate(has_image=Exists(ReuseImage.objects.filter(reuse=OuterRef("pk"))))
        .prefetch_related("datasets", "data_requests")
    )


@router.get("/", response=CursorPage[ReuseOut], summary="List published reuses")
def list_reuses(
    request: HttpRequest,
    dataset: str = "",
    organization: str = "",
    kind: str = "",
    featured: bool | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> dict:
    """Published reuses, newest first; filter by `dataset` (short name), `organization` (the publisher's
    slug), `kind` and `featured`."""
    reuses = _listing()
    if dataset:
        reuses = reuses.filter(datasets__name=dataset)
    if organization:
        reuses = reuses.filter(pk__in=Reuse.objects.filter(datasets__publisher__slug=organization).values("pk"))
    if kind:
        reuses = reuses.filter(kind=kind)
    if featured is not None:
        reuses = reuses.filter(featured=featured)
    page = paginate(reuses, cursor=cursor, limit=limit, order="-id")
    return {"items": [_reuse(r) for r in page["items"]], "next_cursor": page["next_cursor"]}


@router.get("/{reuse_id}", response=ReuseOut, summary="One published reuse")
def get_reuse(request: HttpRequest, reuse_id: int) -> dict:
    return _reuse(get_object_or_404(_listing(), pk=reuse_id))


@router.post("/", response={201: ReuseSubmitted}, auth=signed_in, summary="Submit a reuse for review")
def submit_reuse(request: HttpRequest, payload: ReuseIn) -> Status:
    """Add a reuse (without a picture: add one from its page). It waits for review unless `submit` is
    false (then it stays a draft). Datasets are short names, data requests numbers."""
    from civicdata.catalog.models import PUBLIC_LEVELS, Dataset
    from civicdata.demand.models import DataRequest

    names = list(dict.fromkeys(payload.datasets))[:30]
    datasets = list(Dataset.objects.filter(name__in=names, is_published=True, access_level__in=PUBLIC_LEVELS))
    missing = sorted(set(names) - {d.name for d in datasets})
    # Numbers beyond what a database id can hold name no request (and must not reach the query).
    numbers = [n for n in payload.data_requests[:30] if 0 < n < 2**63]
    requests = list(DataRequest.objects.filter(pk__in=numbers, is_hidden=False))
    unknown = sorted(set(payload.data_requests[:30]) - {r.pk for r in requests})
    if missing or unknown:
        raise InvalidInput(
            "Some datasets or data requests do not exist.",
            code="unknown_links",
            details=[
                {"field": "datasets", "message": ", ".join(missing)},
                {"field": "data_requests", "message": ", ".join(map(str, unknown))},
            ],
        )
    reuse = services.create_reuse(
        submitter=request.auth,
        title=payload.title,
        kind=payload.kind,
        description=payload.description,
        url=payload.link,
        datasets=datasets,
        data_requests=requests,
        submit=payload.submit,
    )
    return Status(201, {"id": reuse.pk, "state": reuse.state, "url": reuse.get_absolute_url()})
