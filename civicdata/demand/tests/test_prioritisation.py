"""Release-queue scoring in the style of the CIO Council prioritisation toolkit."""

import pytest

from civicdata.demand.prioritisation import (
    Candidate,
    Weights,
    demand_score,
    rank_candidates,
)


def test_demand_is_log_scaled():
    """The most demanded candidate scores 1, no demand scores 0, and the scale is logarithmic."""
    assert demand_score(100, 100) == 1
    assert demand_score(0, 100) == 0
    assert demand_score(10, 100) > 0.5


def test_ranking_uses_value_cost_and_risk_with_reasons():
    """High demand and low effort rank first; high privacy risk sinks and is flagged for review."""
    queue = rank_candidates(
        [
            Candidate("a", "Bike counts", "dataset", demand=50, mission=2, effort=1),
            Candidate(
                "b",
                "Crime victims",
                "dataset",
                demand=60,
                mission=2,
                effort=1,
                privacy_risk=3,
            ),
            Candidate("c", "Obscure table", "request", demand=1, mission=0, effort=3),
        ]
    )
    assert [item.candidate.key for item in queue] == ["a", "b", "c"]
    assert [item.rank for item in queue] == [1, 2, 3]
    assert queue[1].needs_review
    assert not queue[0].needs_review
    assert queue[1].reasons[0].render() == "Needs a disclosure review before release."
    assert "Most demanded: 60 demand signals." in [r.render() for r in queue[1].reasons]
    assert "Effort to release: high." in [r.render() for r in queue[2].reasons]


def test_weights_change_the_order():
    """Staff weights matter: with all weight on effort, the easiest candidate wins."""
    candidates = [
        Candidate("hard", "Hard", "dataset", demand=100, effort=3),
        Candidate("easy", "Easy", "dataset", demand=1, effort=0),
    ]
    assert rank_candidates(candidates)[0].candidate.key == "hard"
    only_effort = Weights(demand=0, mission=0, effort=1, privacy=0, security=0)
    assert rank_candidates(candidates, only_effort)[0].candidate.key == "easy"


def test_ties_are_broken_deterministically():
    """Equal scores order by demand, then title."""
    queue = rank_candidates(
        [
            Candidate("2", "Beta", "dataset", demand=0),
            Candidate("1", "Alpha", "dataset", demand=0),
        ]
    )
    assert [item.candidate.title for item in queue] == ["Alpha", "Beta"]


def test_invalid_inputs_are_refused():
    """Negative or all-zero weights and out-of-scale ratings raise ValueError."""
    with pytest.raises(ValueError, match="negative"):
        Weights(demand=-1)
    with pytest.raises(ValueError, match="above zero"):
        Weights(0, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="effort"):
        Candidate("x", "X", "dataset", demand=1, effort=5)


def test_reasons_translate():
    """Reasons render through a translation function (templates and level names)."""
    item = rank_candidates([Candidate("x", "X", "dataset", demand=0, effort=3)])[0]
    spanish = {
        "Effort to release: %(level)s.": "Esfuerzo para publicar: %(level)s.",
        "high": "alto",
    }
    rendered = [r.render(lambda s: spanish.get(s, s)) for r in item.reasons]
    assert "Esfuerzo para publicar: alto." in rendered
