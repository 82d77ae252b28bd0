"""Demo community content (see `civicdata demo`): filled in as the community services land."""

from __future__ import annotations

import random
from typing import Any


def load(rng: random.Random, out: Any) -> None:
    """Load the demo stories, reuses, quality reports, challenges, discussions and news (nothing yet)."""
    _load_quality_and_discussions(rng, out)


# --- quality reports and discussions (helper f) --------------------------------------------------

QUALITY_DEMO = [
    # (category, description, final state, answer)
    ("broken_link", "The CSV download answers “404 Not Found”.", "fixed", "The file moved; the link is corrected."),
    ("out_of_date", "The last rows are from last spring although the page says monthly.", "confirmed", ""),
    ("wrong_values", "Several totals are exactly twice the sum of their rows.", "received", ""),
    (
        "missing_values",
        "The ward column is empty for most rows after 2022.",
        "wont_fix",
        "Ward boundaries changed in 2022; the new column “district” replaces it.",
    ),
    ("format", "Dates switch from YYYY-MM-DD to MM/DD/YYYY halfway through.", "duplicate", ""),
]
DISCUSSION_DEMO = [
    (
        "Does this include private contractors?",
        "I am comparing with last year's report and the totals differ.",
        "Only city crews are included; contractor work is in the procurement data.",
        True,
    ),
    (
        "How often is the location field geocoded?",
        "Some points look like they sit on the city hall.",
        "Addresses that cannot be matched are placed at the department's office; we are adding a flag for them.",
        False,
    ),
]


def _load_quality_and_discussions(rng: random.Random, out: Any) -> None:
    """Quality reports in every state (one privacy concern handled) and discussions with official answers,
    on published demo datasets. Idempotent: does nothing when reports already exist."""
    from civicdata.accounts.models import Role, User
    from civicdata.catalog.models import Dataset
    from civicdata.community import services
    from civicdata.community.models import QualityReport

    if QualityReport.objects.exists():
        out.write("community: demo quality reports already present, skipped")
        return
    datasets = list(Dataset.objects.filter(is_published=True, withdrawn_at__isnull=True).order_by("pk")[:40])
    residents = list(User.objects.filter(email__startswith="resident").order_by("email")[:20])
    if not datasets or not residents:
        out.write("community: no published datasets or residents, skipped")
        return

    def steward(dataset: Any, *, minimum: str = Role.EDITOR) -> Any:
        from civicdata.community.services._notify import organization_people

        people = organization_people(dataset.publisher, minimum=minimum)
        return people[0] if people else User.objects.filter(is_staff=True).order_by("pk").first()

    made = 0
    first_by_dataset: dict[int, Any] = {}
    for index, (category, description, state, answer) in enumerate(QUALITY_DEMO):
        dataset = datasets[index % len(datasets)]
        if state == "duplicate":
            dataset = datasets[0]
        report = services.report_problem(
            dataset, by=residents[index % len(residents)], category=category, description=description
        )
        first_by_dataset.setdefault(dataset.pk, report)
        made += 1
        by = steward(dataset)
        if state in ("confirmed", "fixed"):
            services.confirm_report(report, by=by, note="Thank you, we are looking into it.")
        if state in ("fixed", "wont_fix"):
            services.close_report(report, by=by, outcome=state, note=answer)
        if state == "duplicate":
            original = first_by_dataset[dataset.pk]
            services.close_report(report, by=by, outcome="duplicate", duplicate_of=original)
    # A privacy concern, handled: confirmed by an administrator and fixed by masking the column.
    dataset = datasets[min(5, len(datasets) - 1)]
    concern = services.report_problem(
        dataset,
        by=residents[-1],
        category="privacy",
        description="The notes column shows people's home addresses.",
        column="notes",
    )
    admin = steward(dataset, minimum=Role.ADMIN)
    services.confirm_report(concern, by=admin, note="We are reviewing the column now.")
    services.close_report(
        concern, by=admin, outcome="fixed", note="The addresses are masked in every download and in the Data API."
    )
    made += 1
    for index, (title, body, answer, official) in enumerate(DISCUSSION_DEMO):
        dataset = datasets[(index * 3) % len(datasets)]
        discussion = services.start_discussion(dataset, by=residents[index + 2], title=title, body=body)
        services.reply(discussion, by=steward(dataset), body=answer, as_publisher=official)
        if official:
            services.set_discussion_status(discussion, by=residents[index + 2], status="resolved")
    out.write(f"community: {made} quality reports, {len(DISCUSSION_DEMO)} discussions")
