"""Plain factory functions for community tests."""

from __future__ import annotations

import io
from typing import Any

from civicdata.accounts.tests.factories import make_user
from civicdata.community import services
from civicdata.community.models import Reuse, Story


def png_bytes(size: tuple[int, int] = (40, 30), *, exif_gps: bool = False) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (10, 120, 200))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (42.0, 21.0, 0.0)}  # GPS position in the metadata
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def make_story(*, author: Any = None, published: bool = True, datasets: tuple = (), body: str = "Some text.") -> Story:
    author = author or make_user()
    story = services.create_story(
        author=author, title="Where the buses run late", body=body, datasets=datasets, submit=True
    )
    if published:
        story = services.publish_story(story, by=make_user(staff=True))
    return story


def make_reuse(*, submitter: Any = None, published: bool = True, datasets: tuple = (), **extra: Any) -> Reuse:
    submitter = submitter or make_user()
    reuse = services.create_reuse(
        submitter=submitter,
        title=extra.pop("title", "Bus delay map"),
        kind=extra.pop("kind", "application"),
        description="A map of late buses.",
        url=extra.pop("url", "https://example.com/app"),
        datasets=datasets,
        submit=True,
        **extra,
    )
    if published:
        reuse = services.publish_reuse(reuse, by=make_user(staff=True))
    return reuse
