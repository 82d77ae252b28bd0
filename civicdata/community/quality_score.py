"""The quality score of a dataset (0–100), explained item by item. Deterministic: the same records
give the same score, and every item says how its points were found (docs/community.md has the formula).

| item | points | how |
|---|---|---|
| metadata completeness | 25 | share of the 12 recommended fields that are filled |
| validator findings | 15 | 15 when valid, minus 3 per finding; 0 when invalid without findings |
| link status | 15 | share of distributions whose link is not broken |
| freshness | 20 | 20 when updated within `accrualPeriodicity` (×1.5 grace), 0 when late, 10 when unknown |
| Data API quality | 15 | mean over loaded tables of (1 − problems ÷ rows), floor 0; left out when no table is loaded |
| overdue quality reports | 10 | 10 minus 5 per open report past its answer date, floor 0 |

The score is the points earned ÷ the points of the items that apply × 100, rounded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.catalog.models import Dataset, Distribution, LinkStatus
from civicdata.catalog.periodicity import is_stale, parse_modified, parse_periodicity
from civicdata.community.models import OPEN_REPORT_STATUSES, QualityReport
from civicdata.datastore.dataset_tables import loaded_tables
from civicdata.datastore.models import DataTable

RECOMMENDED_FIELDS = (
    "title",
    "description",
    "keyword",
    "modified",
    "contact_email",
    "license",
    "accrual_periodicity",
    "temporal",
    "spatial",
    "theme",
    "described_by",
    "issued",
)


@dataclass(frozen=True)
class ScoreItem:
    key: str
    label: str
    points: float
    maximum: int
    explanation: str


@dataclass
class QualityScore:
    items: list[ScoreItem] = field(default_factory=list)

    @property
    def value(self) -> int:
        available = sum(item.maximum for item in self.items)
        earned = sum(item.points for item in self.items)
        return round(100 * earned / available) if available else 0


def _filled(value: object) -> bool:
    return value not in (None, "", [], {})


def _metadata(dataset: Dataset) -> ScoreItem:
    present = sum(1 for name in RECOMMENDED_FIELDS if _filled(getattr(dataset, name, None)))
    total = len(RECOMMENDED_FIELDS)
    return ScoreItem(
        "metadata",
        _("Metadata completeness"),
        round(25 * present / total, 1),
        25,
        _("%(present)s of %(total)s recommended fields are filled.") % {"present": present, "total": total},
    )


def _validator(dataset: Dataset) -> ScoreItem:
    count = dataset.problem_count or 0
    if dataset.is_valid is False and not count:
        points, text = 0.0, _("The record does not pass the Project Open Data checks.")
    elif count:
        points = float(max(0, 15 - 3 * count))
        text = _("The checks found %(count)s problems in the record.") % {"count": count}
    else:
        points, text = 15.0, _("The record passes the Project Open Data checks.")
    return ScoreItem("validator", _("Validator findings"), points, 15, text)


def _links(statuses: list[str]) -> ScoreItem:
    if not statuses:
        return ScoreItem("links", _("Link status"), 0.0, 15, _("No files or services are listed."))
    broken = sum(1 for status in statuses if status == LinkStatus.BROKEN)
    return ScoreItem(
        "links",
        _("Link status"),
        round(15 * (len(statuses) - broken) / len(statuses), 1),
        15,
        _("%(broken)s of %(total)s links are broken.") % {"broken": broken, "total": len(statuses)},
    )


def _freshness(dataset: Dataset, now: object) -> ScoreItem:
    label = _("Freshness")
    if parse_periodicity(dataset.accrual_periodicity) is None or parse_modified(dataset.modified) is None:
        return ScoreItem(
            "freshness", label, 10.0, 20, _("No regular update frequency and date to compare, so half the points.")
        )
    if is_stale(dataset.modified, dataset.accrual_periodicity, now=now):
        return ScoreItem(
            "freshness",
            label,
            0.0,
            20,
            _("Last updated %(modified)s, later than its frequency (%(frequency)s) promises.")
            % {"modified": dataset.modified, "frequency": dataset.accrual_periodicity},
        )
    return ScoreItem(
        "freshness",
        label,
        20.0,
        20,
        _("Updated as often as its frequency (%(frequency)s) promises.") % {"frequency": dataset.accrual_periodicity},
    )


def _data_api(tables: list[tuple[int, dict]]) -> ScoreItem | None:
    if not tables:
        return None
    shares, problems = [], 0
    for row_count, quality in tables:
        found = int((quality or {}).get("problem_count") or 0)
        problems += found
        shares.append(max(0.0, 1 - found / max(row_count, 1)))
    return ScoreItem(
        "data_api",
        _("Data API quality report"),
        round(15 * sum(shares) / len(shares), 1),
        15,
        _("%(problems)s problems found in %(tables)s loaded tables.") % {"problems": problems, "tables": len(tables)},
    )


def _overdue(count: int) -> ScoreItem:
    return ScoreItem(
        "overdue_reports",
        _("Quality reports past their deadline"),
        float(max(0, 10 - 5 * count)),
        10,
        _("%(count)s open reports are past their answer date.") % {"count": count},
    )


def score_datasets(datasets: Sequence[Dataset]) -> dict[int, QualityScore]:
    """Scores of many datasets in four queries (links, tables, overdue reports, nothing per dataset)."""
    ids = [d.pk for d in datasets]
    now = timezone.now()
    links: dict[int, list[str]] = defaultdict(list)
    for dataset_id, status in Distribution.objects.filter(dataset_id__in=ids).values_list("dataset_id", "link_status"):
        links[dataset_id].append(status)
    tables: dict[int, list[tuple[int, dict]]] = defaultdict(list)
    for dataset_id, rows, quality in DataTable.objects.filter(dataset_id__in=ids, version__gt=0).values_list(
        "dataset_id", "row_count", "quality"
    ):
        tables[dataset_id].append((rows, quality))
    overdue = dict(
        QualityReport.objects.filter(dataset_id__in=ids, status__in=OPEN_REPORT_STATUSES, due_at__lt=now)
        .values("dataset_id")
        .annotate(n=Count("id"))
        .values_list("dataset_id", "n")
    )
    return {
        dataset.pk: score_from(
            dataset, links=links[dataset.pk], tables=tables[dataset.pk], overdue=overdue.get(dataset.pk, 0), now=now
        )
        for dataset in datasets
    }


def score_from(
    dataset: Dataset, *, links: list[str], tables: list[tuple[int, dict]], overdue: int, now: object
) -> QualityScore:
    """The score of one dataset from what it is made of: its distributions' link statuses, its loaded tables'
    (row count, quality report) and its open reports past their answer date (no query)."""
    items = [_metadata(dataset), _validator(dataset), _links(links), _freshness(dataset, now)]
    api_item = _data_api(tables)
    if api_item is not None:
        items.append(api_item)
    items.append(_overdue(overdue))
    return QualityScore(items)


def dataset_score(dataset: Dataset) -> QualityScore:
    return score_datasets([dataset])[dataset.pk]


def table_figures(dataset: Dataset) -> list[tuple[int, dict]]:
    """(row count, quality report) of the dataset's tables loaded into the Data API (read once per dataset
    instance, shared with the Data API panel)."""
    return [(table.row_count, table.quality) for table in loaded_tables(dataset)]
