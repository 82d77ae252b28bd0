"""Pages of the projects app, all under /projects/."""

from django.urls import path

from civicdata.projects.views import documents, public, workspace

app_name = "projects"

urlpatterns = [
    path("projects/", public.project_list, name="list"),
    path("projects/new/", workspace.project_create, name="create"),
    path("projects/programme/", public.programme_view, name="programme"),
    path("projects/programme.csv", public.programme_csv, name="programme_csv"),
    path("projects/champions/", public.champions, name="champions"),
    path("projects/champions/manage/", workspace.champions_manage, name="champions_manage"),
    path("projects/<slug:slug>/", public.project_detail, name="detail"),
    path("projects/<slug:slug>/problems/", public.problem_list, name="problems"),
    path("projects/<slug:slug>/problems/new/", public.problem_create, name="problem_create"),
    path("projects/<slug:slug>/problems/<int:pk>/", public.problem_detail, name="problem"),
    path("projects/<slug:slug>/problems/<int:pk>/vote/", public.problem_vote, name="problem_vote"),
    path("projects/<slug:slug>/problems/<int:pk>/comment/", public.problem_comment, name="problem_comment"),
    path("projects/<slug:slug>/plan/", public.plan_detail, name="plan"),
    path("projects/<slug:slug>/plan/comment/", public.plan_comment, name="plan_comment"),
    path("projects/<slug:slug>/plan/versions/<int:number>/", public.plan_version, name="plan_version"),
    path("projects/<slug:slug>/interventions/<int:pk>/", public.intervention_detail, name="intervention"),
    path(
        "projects/<slug:slug>/interventions/<int:pk>/feedback/",
        public.intervention_feedback,
        name="intervention_feedback",
    ),
    path("projects/<slug:slug>/interventions/<int:pk>/poster/", documents.poster, name="poster"),
    path("projects/<slug:slug>/report/", documents.report_page, name="report"),
    path("projects/<slug:slug>/report.pdf", documents.report_pdf, name="report_pdf"),
    path("projects/<slug:slug>/workspace/", workspace.workspace, name="workspace"),
    path("projects/<slug:slug>/workspace/find-assessment/", workspace.find_assessment, name="find_assessment"),
    path("projects/<slug:slug>/workspace/worksheet/", workspace.refine_worksheet, name="worksheet"),
    path("projects/<slug:slug>/workspace/<slug:action>/", workspace.workspace_action, name="workspace_action"),
]
