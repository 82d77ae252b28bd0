"""Tests for the method-as-data modules: steps, tactics, Find self-assessment, worksheet, exit checks."""

import pytest

from civicdata.projects import assessment, exits, method, worksheet
from civicdata.projects.method import Step


def test_four_steps_each_have_all_four_components():
    """Every step explains its action, engagement, collaborators and result."""
    assert list(method.STEP_ORDER) == [
        Step.FIND,
        Step.REFINE,
        Step.DESIGN,
        Step.IMPLEMENT,
    ]
    for step in method.STEP_ORDER:
        d = method.STEPS[step]
        assert all(len(text) > 30 for text in (d.action, d.engagement, d.collaborators, d.result))


def test_tactic_counts_and_names_follow_the_guide():
    """Five Find, five Refine, three Design and seven Implement tactics, with the guide's names."""
    assert [len(method.TACTICS_BY_STEP[s]) for s in method.STEP_ORDER] == [5, 5, 3, 7]
    labels = {t.label for t in method.IMPLEMENT_TACTICS}
    assert "Do low-tech outreach" in labels
    assert "Host a data challenge" in labels
    assert "Host a scope-a-thon" in {t.label for t in method.REFINE_TACTICS}
    assert len(method.ALL_TACTICS) == 20  # codes are unique across steps


def test_next_step_and_index():
    """Steps advance in order and Implement is last."""
    assert method.next_step(Step.FIND) is Step.REFINE
    assert method.next_step(Step.IMPLEMENT) is None
    assert method.step_index("design") == 2


def test_every_find_tactic_has_a_checklist():
    """The self-assessment covers every Find tactic with at least three criteria."""
    assert set(assessment.FIND_CRITERIA) == {t.code for t in method.FIND_TACTICS}
    assert all(len(rows) >= 3 for rows in assessment.FIND_CRITERIA.values())


def test_recommendations_rank_by_share_of_criteria_met():
    """A city with a records system and portal statistics is steered to analysing requests."""
    answers = {
        "analyze_requests.records_system": True,
        "analyze_requests.portal_usage": True,
        "analyze_requests.feedback_data": True,
        "analyze_requests.request_form": True,
        "public_meetings.standing_meetings": True,
    }
    ranked = assessment.recommend_find_tactics(answers)
    assert ranked[0].tactic.code == "analyze_requests"
    assert ranked[0].fit is assessment.Fit.STRONG
    assert [c.key for c in ranked[0].need] == ["analyze_requests.api_users"]
    assert ranked[1].tactic.code == "public_meetings"
    assert ranked[1].fit is assessment.Fit.PARTIAL
    assert ranked[-1].fit is assessment.Fit.WEAK
    assert "4 of 5" in ranked[0].reason


def test_recommendations_are_stable_with_no_answers():
    """With nothing ticked, tactics keep the guide's order and all are weak."""
    ranked = assessment.recommend_find_tactics({})
    assert [r.tactic.code for r in ranked] == [t.code for t in method.FIND_TACTICS]
    assert {r.fit for r in ranked} == {assessment.Fit.WEAK}


def test_unknown_criterion_is_rejected():
    """A typo in an answer key is an error, not a silent zero."""
    with pytest.raises(assessment.UnknownCriterionError):
        assessment.recommend_find_tactics({"nope.x": True})


def test_worksheet_has_the_six_sections_and_builds_a_pitch():
    """The worksheet covers supply, requesters, past activities, tactics, next steps and impacts."""
    keys = set(worksheet.SECTION_KEYS)
    assert {
        "data_supply",
        "data_requesters",
        "past_activities",
        "tactics",
        "next_steps",
        "potential_impacts",
    } <= keys
    pitch = worksheet.build_pitch(
        {
            "focus_area": "lead pipes",
            "data_supply": "service line records",
            "data_requesters": "tenant unions",
            "next_steps": "map the replacements with partners",
            "potential_impacts": "children's health.",
        },
        tactic_codes=["interviews", "scope_a_thon"],
    )
    assert "lead pipes" in pitch
    assert "tenant unions" in pitch
    assert "interview stakeholders individually and host a scope-a-thon" in pitch
    assert "health." in pitch
    assert "health.." not in pitch


def test_pitch_shows_placeholders_for_blank_sections():
    """Blank sections stay visible as placeholders rather than disappearing."""
    pitch = worksheet.build_pitch({})
    assert "[focus area]" in pitch
    assert "[data requesters]" in pitch
    assert worksheet.missing_sections({"focus_area": " "})[0] == "focus_area"


def test_pitch_rejects_unknown_tactic():
    """Only Refine tactics can appear in the pitch."""
    with pytest.raises(worksheet.WorksheetError):
        worksheet.build_pitch({}, tactic_codes=["data_challenge"])


def test_find_exit_requires_evidence_focus_area_and_result():
    """An empty Find step cannot be left; a complete one can."""
    empty = exits.ProjectSnapshot(step=Step.FIND)
    assert {r.code for r in exits.failing_checks(empty)} == {
        "find.evidence",
        "find.focus_area",
        "find.focus_evidence",
        "find.result",
    }
    done = exits.ProjectSnapshot(
        step=Step.FIND,
        step_result="Housing repairs",
        evidence_count=3,
        focus_area_title="Housing repairs",
        focus_area_rationale="Most requests",
        focus_area_evidence_count=2,
    )
    assert exits.can_leave(done)


def test_refine_exit_needs_one_complete_use_case():
    """A use case without a data supply does not satisfy Refine; one with all three does."""
    partial = exits.UseCaseSnapshot(persona_count=1, story_count=2, data_need_count=0)
    full = exits.UseCaseSnapshot(persona_count=1, story_count=1, data_need_count=1)
    snap = exits.ProjectSnapshot(step=Step.REFINE, step_result="x", use_cases=(partial,))
    assert not exits.can_leave(snap)
    snap = exits.ProjectSnapshot(step=Step.REFINE, step_result="x", use_cases=(partial, full))
    assert exits.can_leave(snap)


def test_design_exit_lists_missing_plan_parts_and_constraints():
    """The design check names the missing plan fields and adoption constraints."""
    plan = exits.PlanSnapshot(goal="g", activities="a", constraints_stated=frozenset({"privacy"}))
    snap = exits.ProjectSnapshot(step=Step.DESIGN, selected_use_case=True, plan=plan)
    failing = {r.code: r.detail for r in exits.failing_checks(snap)}
    assert "roles" in failing["design.plan_complete"]
    assert "security" in failing["design.constraints"]
    assert "privacy" not in failing["design.constraints"]
    assert "design.comment_period" in failing


def test_implement_exit_needs_measured_outcomes():
    """Completion requires an intervention, users reached and every metric measured."""
    snap = exits.ProjectSnapshot(
        step=Step.IMPLEMENT,
        step_result="x",
        intervention_count=1,
        metrics_total=2,
        metrics_with_actual=1,
        users_reached=40,
    )
    assert [r.code for r in exits.failing_checks(snap)] == ["implement.metrics"]


def test_override_needs_a_real_reason_and_covers_only_named_checks():
    """Overrides without a written reason, or for other checks, leave the step blocked."""
    failing = exits.failing_checks(exits.ProjectSnapshot(step=Step.REFINE))
    assert (
        exits.checks_blocking_after_override(failing, exits.Override(frozenset({"refine.use_case"}), "ok")) == failing
    )
    reason = "Partners already agreed the use case at the council workshop."
    left = exits.checks_blocking_after_override(failing, exits.Override(frozenset({"refine.use_case"}), reason))
    assert [r.code for r in left] == ["refine.result"]
