"""The "Manage" menu: the staff tools a person may use, decided by each app's own permission functions.

The site shell builds it because it needs every app; the page shell (`base.html`) shows it through the
`manage_links` template tag. A person with no staff tool gets an empty list and sees no menu.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from civicdata.accounts import permissions as account_permissions
from civicdata.catalog import permissions as catalog_permissions
from civicdata.community import permissions as community_permissions
from civicdata.demand import permissions as demand_permissions
from civicdata.events import permissions as events_permissions


@dataclass(frozen=True)
class ManageLink:
    url: str
    label: str | Promise


def manage_links(user: object) -> list[ManageLink]:
    """Every staff page the person may open, "My work" first; empty for residents and visitors."""
    if not account_permissions.is_signed_in(user):
        return []
    # Several apps' permission functions below ask for the same organisations; walk the tree once.
    with account_permissions.organizations_remembered(user):
        return _links(user)


def _links(user: object) -> list[ManageLink]:
    # Every tool below needs site staff, an organisation the person edits, or moderation rights; asking
    # that first keeps a resident's pages to one or two extra queries (the menu is on every page).
    organizations = account_permissions.editable_organizations(user)
    if not (organizations or account_permissions.is_site_staff(user) or demand_permissions.can_moderate(user)):
        return []
    links: list[ManageLink] = []
    publishers = catalog_permissions.editable_publishers(user)
    if publishers:
        links.append(ManageLink(reverse("catalog:dataset_create"), _("New dataset")))
        if len(publishers) == 1:
            dashboard = reverse("catalog:dashboard", kwargs={"slug": publishers[0].slug})
        else:  # one per publisher would make a long menu; My work lists them all
            dashboard = reverse("site:my_work") + "#dashboards"
        links.append(ManageLink(dashboard, _("Publisher dashboards")))
        # Problem reports about the data the person looks after: the list of the top organisation they
        # edit covers its departments too. Several unrelated ones: each dashboard links its own list.
        editable = {publisher.pk for publisher in publishers}
        roots = [publisher for publisher in publishers if publisher.parent_id not in editable]
        if len(roots) == 1:
            quality = reverse("community:publisher_quality", kwargs={"slug": roots[0].slug})
            links.append(ManageLink(quality, _("Quality reports")))
        links.append(ManageLink(reverse("catalog:harvest_sources"), _("Harvest sources")))
        links.append(ManageLink(reverse("catalog:harvest_import"), _("Import a data.json file")))
        # The POD toolbox's converters add a table to a dataset of the person's publishers.
        links.append(ManageLink(reverse("datastore:pdf_upload"), _("Take tables out of a PDF")))
        links.append(ManageLink(reverse("datastore:gis_upload"), _("Load map data")))
        links.append(ManageLink(reverse("catalog:crawls"), _("Find data files the catalog misses")))
        links.append(ManageLink(reverse("catalog:pdf_forms"), _("PDF forms residents can fill in online")))
        links.append(ManageLink(reverse("datastore:live_tables"), _("Live database tables")))
    if demand_permissions.can_use_staff_pages(user):
        links += [
            ManageLink(reverse("demand:triage"), _("Triage queue")),
            ManageLink(reverse("demand:metrics"), _("Request metrics")),
            ManageLink(reverse("demand:imports"), _("Request log imports")),
            ManageLink(reverse("demand:release_queue"), _("Release queue")),
        ]
    if demand_permissions.can_moderate(user):
        links.append(ManageLink(reverse("demand:moderation"), _("Moderation")))
    if community_permissions.can_moderate_submissions(user):
        links.append(ManageLink(reverse("community:story_review"), _("Stories to review")))
        links.append(ManageLink(reverse("community:reuse_review"), _("Reuses to review")))
    if community_permissions.can_post_news(user):
        links.append(ManageLink(reverse("community:news_new"), _("Write an announcement")))
    # Project pages ask for an organisation the person edits (projects' views use the same function).
    if organizations:
        links += [
            ManageLink(reverse("projects:create"), _("New project")),
            ManageLink(reverse("projects:champions_manage"), _("Data champions")),
        ]
    # Events are planned by the editors of an organisation (events' views use the same function).
    if events_permissions.can_create_events(user):
        links += [
            ManageLink(reverse("events:create"), _("Plan an event")),
            ManageLink(reverse("events:mine"), _("Events I plan")),
        ]
    if account_permissions.is_site_staff(user):
        links.append(ManageLink(reverse("site:staff"), _("Background tasks")))
    if account_permissions.is_site_admin(user):
        links.append(ManageLink(reverse("site:audit_log"), _("Audit log")))
    if not links:
        return []
    # The validator and merger are open to everyone; staff find them here next to their other tools.
    links += [
        ManageLink(reverse("catalog:tools-validate"), _("Metadata validator")),
        ManageLink(reverse("catalog:tools-merge"), _("Catalog merger")),
    ]
    return [ManageLink(reverse("site:my_work"), _("My work")), *links]
