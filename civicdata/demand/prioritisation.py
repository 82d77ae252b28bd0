"""Rank datasets and requests for release the way the CIO Council prioritisation toolkit does.

Each candidate is scored on value (demand, mission alignment), cost (effort) and risk (privacy,
security); staff choose the weights. The result is a ranked queue where every rank comes with the
reasons behind it, so nobody has to trust an unexplained number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


def gettext_noop(message: str) -> str:
    """Mark a string for translation without needing Django settings (makemessages finds it)."""
    return message


# Staff rate mission alignment, effort and risks on this four-step scale.
LEVELS = (0, 1, 2, 3)
LEVEL_NAMES = {
    0: gettext_noop("none"),
    1: gettext_noop("low"),
    2: gettext_noop("medium"),
    3: gettext_noop("high"),
}


@dataclass(frozen=True)
class Weights:
    """How much each criterion counts; any non-negative numbers, they are normalised."""

    demand: float = 35.0
    mission: float = 25.0
    effort: float = 20.0
    privacy: float = 10.0
    security: float = 10.0

    def __post_init__(self) -> None:
        values = (self.demand, self.mission, self.effort, self.privacy, self.security)
        if any(v < 0 or math.isnan(v) for v in values):
            raise ValueError("Weights cannot be negative.")
        if sum(values) == 0:
            raise ValueError("At least one weight must be above zero.")

    @property
    def total(self) -> float:
        return self.demand + self.mission + self.effort + self.privacy + self.security


@dataclass(frozen=True)
class Candidate:
    """Something that could be released: an inventory dataset not yet public or a planned request."""

    key: str
    title: str
    kind: str  # "dataset" or "request"
    demand: float  # demand signals (votes, matching log rows, searches, views)
    mission: int = 1  # 0..3
    effort: int = 1  # 0..3, higher means more work
    privacy_risk: int = 0  # 0..3
    security_risk: int = 0  # 0..3

    def __post_init__(self) -> None:
        for name in ("mission", "effort", "privacy_risk", "security_risk"):
            if getattr(self, name) not in LEVELS:
                raise ValueError(f"{name} must be one of {LEVELS}.")
        if self.demand < 0:
            raise ValueError("demand cannot be negative.")


@dataclass(frozen=True)
class Reason:
    """One sentence explaining a rank; `template` is translatable, `params` fill it in."""

    code: str
    template: str
    params: dict[str, object] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = lambda s: s) -> str:
        params = {
            key: translate(LEVEL_NAMES[value]) if key == "level" and isinstance(value, int) else value
            for key, value in self.params.items()
        }
        return translate(self.template) % params


@dataclass(frozen=True)
class RankedItem:
    """A candidate's place in the release queue."""

    rank: int
    candidate: Candidate
    score: float  # 0..100
    components: dict[str, float]  # each criterion's 0..1 contribution before weighting
    reasons: list[Reason]
    needs_review: bool  # high privacy or security risk: needs a disclosure review first


def demand_score(demand: float, highest: float) -> float:
    """Demand on a 0..1 log scale relative to the most demanded candidate.

    A log scale because demand is long-tailed: 400 votes is not 100 times as telling as 4.
    """
    if highest <= 0:
        return 0.0
    return math.log1p(demand) / math.log1p(highest)


def rank_candidates(candidates: Sequence[Candidate], weights: Weights | None = None) -> list[RankedItem]:
    """Score and rank candidates, best first; ties go to more demand, then title, then key."""
    weights = weights or Weights()
    highest = max((c.demand for c in candidates), default=0.0)
    scored = []
    for candidate in candidates:
        components = {
            "demand": demand_score(candidate.demand, highest),
            "mission": candidate.mission / 3,
            "effort": 1 - candidate.effort / 3,
            "privacy": 1 - candidate.privacy_risk / 3,
            "security": 1 - candidate.security_risk / 3,
        }
        score = 100 * sum(components[name] * getattr(weights, name) for name in components) / weights.total
        scored.append((round(score, 2), candidate, components))
    scored.sort(
        key=lambda item: (
            -item[0],
            -item[1].demand,
            item[1].title.casefold(),
            item[1].key,
        )
    )
    return [
        RankedItem(
            rank=position,
            candidate=candidate,
            score=score,
            components={k: round(v, 3) for k, v in components.items()},
            reasons=_reasons(candidate, components, weights, highest),
            needs_review=candidate.privacy_risk == 3 or candidate.security_risk == 3,
        )
        for position, (score, candidate, components) in enumerate(scored, start=1)
    ]


def _reasons(candidate: Candidate, components: dict[str, float], weights: Weights, highest: float) -> list[Reason]:
    """Reasons ordered by how much each criterion moved the score (weight x distance from middle)."""
    reasons: list[tuple[float, Reason]] = [_demand_reason(candidate, components["demand"], weights, highest)]
    reasons.append(
        (
            weights.mission * abs(candidate.mission - 1.5) / 1.5,
            Reason(
                "mission",
                gettext_noop("Mission alignment: %(level)s."),
                {"level": candidate.mission},
            ),
        )
    )
    reasons.append(
        (
            weights.effort * abs(candidate.effort - 1.5) / 1.5,
            Reason(
                "effort",
                gettext_noop("Effort to release: %(level)s."),
                {"level": candidate.effort},
            ),
        )
    )
    if candidate.privacy_risk:
        reasons.append(
            (
                weights.privacy * candidate.privacy_risk / 3,
                Reason(
                    "privacy",
                    gettext_noop("Privacy risk: %(level)s."),
                    {"level": candidate.privacy_risk},
                ),
            )
        )
    if candidate.security_risk:
        reasons.append(
            (
                weights.security * candidate.security_risk / 3,
                Reason(
                    "security",
                    gettext_noop("Security risk: %(level)s."),
                    {"level": candidate.security_risk},
                ),
            )
        )
    if candidate.privacy_risk == 3 or candidate.security_risk == 3:
        reasons.append(
            (
                1e9,
                Reason("review", gettext_noop("Needs a disclosure review before release.")),
            )
        )
    reasons.sort(key=lambda pair: -pair[0])
    return [reason for _, reason in reasons]


def _demand_reason(candidate: Candidate, demand: float, weights: Weights, highest: float) -> tuple[float, Reason]:
    """The demand reason with its weight: most demanded, high, none, or some."""
    if candidate.demand == highest and highest > 0:
        return (
            weights.demand,
            Reason(
                "demand_top",
                gettext_noop("Most demanded: %(count)s demand signals."),
                {"count": _number(candidate.demand)},
            ),
        )
    if demand >= 0.6:
        return (
            weights.demand * demand,
            Reason(
                "demand_high",
                gettext_noop("High demand: %(count)s demand signals."),
                {"count": _number(candidate.demand)},
            ),
        )
    if candidate.demand == 0:
        return (
            weights.demand,
            Reason("demand_none", gettext_noop("No recorded demand yet.")),
        )
    return (
        weights.demand * (1 - demand),
        Reason(
            "demand_some",
            gettext_noop("Some demand: %(count)s demand signals."),
            {"count": _number(candidate.demand)},
        ),
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
