"""Writes of uploaded distribution files: store the bytes under DATA_DIR and add the distribution that
points at the catalog's own download address for them."""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.catalog import files, records
from civicdata.catalog.forms import MAX_DISTRIBUTIONS
from civicdata.catalog.models import Dataset, Distribution, DistributionFile
from civicdata.catalog.services.datasets import update_dataset
from civicdata.core.audit import record_write
from civicdata.core.errors import InvalidInput

logger = logging.getLogger(__name__)

#: A stored file younger than this is never swept: an upload writes its bytes before its row commits.
ORPHAN_GRACE = timedelta(hours=1)


class Upload(Protocol):
    """What an uploaded file offers (Django's UploadedFile, or File around an open file)."""

    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Any: ...


def _size_limit() -> int:
    return int(settings.MAX_UPLOAD_BYTES)


def upload_limit_mb() -> int:
    """The largest file an editor may upload, in megabytes (MAX_UPLOAD_MB)."""
    return _size_limit() >> 20


def check_upload(upload: Upload, *, kind: files.FileKind | None = None) -> files.FileKind:
    """The kind of an upload, or InvalidInput saying why it is refused (type, empty, too large). A
    `kind` given by the caller (a source file the toolbox keeps) skips the check of the name."""
    kind = kind or files.kind_for(upload.name or "")
    if kind is None:
        raise InvalidInput(
            _("Upload a CSV, TSV, Excel (XLSX), JSON or GeoJSON file; “%(name)s” is none of these.")
            % {"name": upload.name or ""},
            code="file_type",
        )
    if not upload.size:
        raise InvalidInput(_("The file is empty."), code="file_empty")
    if upload.size > _size_limit():
        raise InvalidInput(
            _("The file is larger than the %(mb)s MB limit.") % {"mb": _size_limit() >> 20}, code="file_too_large"
        )
    return kind


def _store(upload: Upload, key: str) -> tuple[int, str]:
    """Copy an upload to its place under DATA_DIR while hashing it; returns (size, sha256)."""
    target = files.stored_path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{key}.part")
    digest, size = hashlib.sha256(), 0
    with partial.open("wb") as out:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > _size_limit():
                out.close()
                partial.unlink(missing_ok=True)
                raise InvalidInput(
                    _("The file is larger than the %(mb)s MB limit.") % {"mb": _size_limit() >> 20},
                    code="file_too_large",
                )
            digest.update(chunk)
            out.write(chunk)
    os.replace(partial, target)
    return size, digest.hexdigest()


def add_distribution_file(
    dataset: Dataset,
    *,
    upload: Upload,
    title: str,
    by: Any,
    site_url: str,
    description: str = "",
    kind: files.FileKind | None = None,
) -> Distribution:
    """Store an uploaded data file and add it to the dataset as a distribution whose downloadURL is the
    catalog's stable address for it (`site_url` + /datasets/<name>/files/<key>/<file name>).

    Preconditions: the caller checked that `by` may edit the dataset; the file is a kind the catalog
    accepts and within MAX_UPLOAD_MB (InvalidInput otherwise). The metadata change goes through
    `update_dataset` (revision and audit entry) in the same transaction as the file record; if it fails,
    the stored bytes are removed again. `kind` (one of `files.SOURCE_KINDS`) stores a file the Data API
    does not read, such as the PDF a table was taken from.
    """
    kind = check_upload(upload, kind=kind)
    existing = records.dataset_pod(dataset)
    dists = [d for d in existing.get("distribution") or [] if isinstance(d, dict)]
    if len(dists) >= MAX_DISTRIBUTIONS:
        raise InvalidInput(
            _("A dataset can have at most %(n)s files and links here; remove one first.") % {"n": MAX_DISTRIBUTIONS},
            code="too_many_distributions",
        )
    key = uuid.uuid4().hex
    name = files.safe_name(upload.name or "data")
    size, sha256 = _store(upload, key)
    path = reverse("catalog:distribution_file", kwargs={"name": dataset.name, "key": key, "filename": name})
    url = site_url.rstrip("/") + path
    entry: dict[str, Any] = {
        "@type": "dcat:Distribution",
        "title": title.strip()[:500] or name,
        "downloadURL": url,
        "mediaType": kind.media_type,
        "format": kind.format,
    }
    if description.strip():
        entry["description"] = description.strip()
    try:
        with transaction.atomic():
            update_dataset(dataset, data={**existing, "distribution": [*dists, entry]}, by=by)
            distribution = Distribution.objects.get(dataset=dataset, download_url=url)
            stored = DistributionFile.objects.create(
                distribution=distribution,
                dataset=dataset,
                key=key,
                name=name,
                media_type=kind.media_type,
                size=size,
                sha256=sha256,
                uploaded_by=by if getattr(by, "is_authenticated", False) else None,
            )
            record_write(
                actor=by,
                action="catalog.distribution_file.add",
                target=stored,
                after={"dataset": dataset.name, "name": name, "size": size, "sha256": sha256},
            )
    except Exception:
        files.stored_path(key).unlink(missing_ok=True)
        raise
    return distribution


def delete_orphan_files(*, now: datetime | None = None) -> list[Path]:
    """The catalog's orphan sweep (run by the hourly `catalog_tick`): forget uploaded files whose
    distribution no longer downloads them, then delete the files under DATA_DIR/catalog-files that no
    DistributionFile row names (left by a crash between storing and committing, or by a deletion whose
    after-commit cleanup did not run), once older than ORPHAN_GRACE. Returns the paths deleted.

    Rows are deleted in one transaction; their bytes go after commit (`catalog.files.delete_when_forgotten`).
    """
    with transaction.atomic():
        replaced = [
            row.pk
            for row in DistributionFile.objects.select_related("distribution").only(
                "pk", "key", "distribution__download_url"
            )
            if not files.serves(row.key, row.distribution.download_url)
        ]
        DistributionFile.objects.filter(pk__in=replaced).delete()
    root = files.files_root()
    if not root.is_dir():
        return []
    cutoff = ((now or timezone.now()) - ORPHAN_GRACE).timestamp()
    known = set(DistributionFile.objects.values_list("key", flat=True))
    deleted = []
    for path in root.glob("*/*"):
        try:
            if path.is_file() and path.name not in known and path.stat().st_mtime < cutoff:
                path.unlink()
                deleted.append(path)
        except FileNotFoundError:
            continue
    if deleted or replaced:
        logger.info("forgot %s replaced file(s); deleted %s orphan file(s) from %s", len(replaced), len(deleted), root)
    return deleted
