from django.urls import path

from civicdata.accounts.views import organizations, profile

app_name = "accounts"

urlpatterns = [
    path("account/profile/", profile.profile, name="profile"),
    path("account/tokens/", profile.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", profile.revoke_token, name="revoke_token"),
    path("organizations/", organizations.organization_list, name="organizations"),
    path("organizations/<slug:slug>/", organizations.organization_detail, name="organization"),
]
