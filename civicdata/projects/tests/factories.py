"""Plain factory functions for project tests: deterministic, each builds only what it is asked for."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from civicdata.accounts.models import Membership, Organization, Role, User
from civicdata.projects import services
from civicdata.projects.models import Project

_seq = itertools.count(1)


def make_user(email: str | None = None, **extra: Any) -> User:
    return User.objects.create_user(email or f"person{next(_seq)}@example.org", "pw-Example-123", **extra)


def make_org(slug: str | None = None) -> Organization:
    n = next(_seq)
    slug = slug or f"dept-{n}"
    return Organization.objects.create(name=f"Department {slug}", slug=slug, kind="publisher", org_type="department")


def make_staff(org: Organization) -> User:
    user = make_user()
    Membership.objects.create(user=user, organization=org, role=Role.EDITOR)
    return user


def make_project(org: Organization | None = None, staff: User | None = None, title: str = "Safer streets") -> Project:
    org = org or make_org()
    staff = staff or make_staff(org)
    return services.create_project(organization=org, title=title, summary="Where crashes happen.", by=staff)


def complete_find(project: Project, staff: User) -> None:
    ev = services.add_evidence(project, kind="request_log", title="Crash data requests", request_count=40, by=staff)
    services.choose_focus_area(
        project, title="Traffic safety", rationale="Most requested topic.", evidence_ids=[ev.pk], by=staff
    )
    services.update_step_record(
        project,
        step="find",
        action="Listened",
        engagement="Read logs",
        collaborators="Residents",
        result="Traffic safety focus",
        by=staff,
    )


def complete_refine(project: Project, staff: User):
    uc = services.add_use_case(project, title="Parents plan safe routes", by=staff)
    persona = services.add_persona(uc, name="Parent of a 9-year-old", by=staff)
    services.add_user_story(uc, persona=persona, as_a="parent", i_want="crash maps", so_that="we walk safely", by=staff)
    services.add_data_need(uc, description="Crash locations", demand_request_url="/requests/1", by=staff)
    services.update_step_record(
        project, step="refine", action="a", engagement="e", collaborators="c", result="One use case", by=staff
    )
    return uc


def complete_design(project: Project, staff: User, use_case) -> None:
    services.select_use_case(project, use_case=use_case, by=staff)
    plan = services.save_plan(
        project,
        goal="Safe routes",
        activities="Map",
        roles="City, PTA",
        timeline="Spring",
        housed_by="Library",
        sustained_by="PTA",
        constraints=dict.fromkeys(("privacy", "security", "legal", "technical", "operational"), "None known"),
        by=staff,
    )
    now = timezone.now()
    services.open_comment_period(
        plan, opens_at=now - dt.timedelta(days=10), closes_at=now - dt.timedelta(days=1), by=staff
    )
    services.update_step_record(
        project, step="design", action="a", engagement="e", collaborators="c", result="Plan agreed", by=staff
    )


def complete_implement(project: Project, staff: User) -> None:
    iv = services.add_intervention(
        project, tactic="low_tech_outreach", title="Posters", data_url="https://x.example/d", by=staff
    )
    services.record_users_reached(iv, users_reached=120, by=staff)
    metric = services.add_outcome_metric(project, name="Walkers", baseline=Decimal(10), target=Decimal(20), by=staff)
    services.record_outcome(metric, actual=Decimal(25), by=staff)
    services.update_step_record(
        project, step="implement", action="a", engagement="e", collaborators="c", result="Posters up", by=staff
    )
