"""Find-step self-assessment: criteria checklists per Find tactic and a ranking of the tactics.

A city ticks what it already has; :func:`recommend_find_tactics` turns the ticks into a ranked list
that says, per tactic, what is in place and what is still missing. Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from civicdata.projects.method import FIND_TACTICS, Tactic, gettext_noop


@dataclass(frozen=True, slots=True)
class Criterion:
    """One condition that makes a Find tactic easier to use."""

    key: str
    tactic_code: str
    text: str


def _criteria(tactic_code: str, rows: list[tuple[str, str]]) -> tuple[Criterion, ...]:
    return tuple(Criterion(key=f"{tactic_code}.{key}", tactic_code=tactic_code, text=text) for key, text in rows)


# The conditions follow the guide's checklists; the wording is ours.
FIND_CRITERIA: dict[str, tuple[Criterion, ...]] = {
    "analyze_requests": _criteria(
        "analyze_requests",
        [
            (
                "records_system",
                gettext_noop("Records requests arrive through an electronic system or are logged as structured data."),
            ),
            (
                "portal_usage",
                gettext_noop("An open data portal reports how often each dataset is viewed or downloaded."),
            ),
            (
                "api_users",
                gettext_noop("The portal has an API and we know who registered for keys and how they use them."),
            ),
            (
                "request_form",
                gettext_noop("People actually use an informal channel such as a 'request a dataset' form."),
            ),
            (
                "feedback_data",
                gettext_noop("Service requests, 311 calls or complaints are kept as structured data."),
            ),
        ],
    ),
    "valuable_partners": _criteria(
        "valuable_partners",
        [
            (
                "nonprofit_partners",
                gettext_noop("We work with community nonprofits that could do more with city data."),
            ),
            (
                "vendor_contracts",
                gettext_noop("Vendors perform public functions under contract that data could improve."),
            ),
            (
                "written_agreements",
                gettext_noop("Partnerships are documented: MOUs, grant awards or contracts."),
            ),
            (
                "partner_led_reuse",
                gettext_noop("A community group is already reusing city data and has asked for support."),
            ),
        ],
    ),
    "shared_priorities": _criteria(
        "shared_priorities",
        [
            (
                "strategic_priorities",
                gettext_noop("The city has strategic priorities that matter to people outside government."),
            ),
            (
                "known_stakeholders",
                gettext_noop("We know which outside groups are pursuing similar priorities."),
            ),
            (
                "willing_to_collaborate",
                gettext_noop("Leadership wants to work closely with those outside groups."),
            ),
        ],
    ),
    "public_meetings": _criteria(
        "public_meetings",
        [
            ("standing_meetings", gettext_noop("Recurring public meetings are well attended.")),
            (
                "feedback_channels",
                gettext_noop("The city already has channels where it gathers residents' feedback."),
            ),
            (
                "data_not_shared",
                gettext_noop("Data relevant to those meetings is not presented there today."),
            ),
            (
                "regulars",
                gettext_noop("The same residents come back to council, zoning or similar meetings."),
            ),
            (
                "outreach_staff",
                gettext_noop("Departments have staff dedicated to outreach or engagement."),
            ),
        ],
    ),
    "map_focus_areas": _criteria(
        "map_focus_areas",
        [
            (
                "replicate_interest",
                gettext_noop("We want to repeat a data reuse project that worked elsewhere."),
            ),
            (
                "quality_data",
                gettext_noop("We hold good-quality data that fits a proven reuse scenario, released or releasable."),
            ),
            (
                "internal_capacity",
                gettext_noop("We have in-house data or technical staff who can adapt data quickly."),
            ),
        ],
    ),
}

ALL_CRITERIA: dict[str, Criterion] = {c.key: c for rows in FIND_CRITERIA.values() for c in rows}


class Fit(StrEnum):
    """How well a tactic suits the city right now."""

    STRONG = "strong"
    PARTIAL = "partial"
    WEAK = "weak"


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A ranked suggestion for one Find tactic, with the reasons behind it."""

    tactic: Tactic
    score: float
    fit: Fit
    have: tuple[Criterion, ...]
    need: tuple[Criterion, ...]

    @property
    def reason(self) -> str:
        """One sentence explaining the ranking, for display next to the tactic."""
        total = len(self.have) + len(self.need)
        if not self.need:
            return f"All {total} conditions are already in place."
        if not self.have:
            return f"None of the {total} conditions is in place yet."
        return f"{len(self.have)} of {total} conditions are in place; {len(self.need)} still missing."


class UnknownCriterionError(ValueError):
    """Raised when answers name a criterion that does not exist."""


def recommend_find_tactics(answers: Mapping[str, bool]) -> list[Recommendation]:
    """Rank the five Find tactics by the share of their criteria the city says it meets.

    ``answers`` maps criterion keys (``"<tactic>.<criterion>"``) to True when the city has it.
    Missing keys count as "not yet". Ties keep the guide's tactic order so results are stable.
    Raises :class:`UnknownCriterionError` for keys that are not criteria.
    """
    unknown = sorted(set(answers) - set(ALL_CRITERIA))
    if unknown:
        raise UnknownCriterionError(f"Unknown criteria: {', '.join(unknown)}")
    results: list[Recommendation] = []
    for tactic_ in FIND_TACTICS:
        criteria = FIND_CRITERIA[tactic_.code]
        have = tuple(c for c in criteria if answers.get(c.key))
        need = tuple(c for c in criteria if not answers.get(c.key))
        score = len(have) / len(criteria)
        if score >= 2 / 3:
            fit = Fit.STRONG
        elif score > 0:
            fit = Fit.PARTIAL
        else:
            fit = Fit.WEAK
        results.append(Recommendation(tactic=tactic_, score=score, fit=fit, have=have, need=need))
    order = {t.code: i for i, t in enumerate(FIND_TACTICS)}
    results.sort(key=lambda r: (-r.score, order[r.tactic.code]))
    return results
