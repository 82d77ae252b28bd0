import pytest

from civicdata.accounts import services
from civicdata.accounts.tests.factories import make_member, make_organization, make_user

pytestmark = pytest.mark.django_db


def test_me_needs_authentication_and_answers_in_the_error_envelope(client):
    response = client.get("/api/accounts/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_me_with_a_bearer_token(client):
    organization = make_organization(slug="parks")
    person = make_member(organization, user=make_user("token@example.org"))
    _token, raw = services.issue_api_token(person, name="cli")
    response = client.get("/api/accounts/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["email"] == "token@example.org"
    assert response.json()["organizations"] == [{"slug": "parks", "role": "editor"}]


def test_organisation_list_is_public_with_cors_and_bounded_queries(client, django_assert_max_num_queries):
    city = make_organization("City", org_type="agency", slug="city")
    for index in range(5):
        make_organization(f"Department {index}", parent=city)
    with django_assert_max_num_queries(3):
        response = client.get("/api/accounts/organizations")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert {row["parent"] for row in response.json() if row["slug"] != "city"} == {"city"}
