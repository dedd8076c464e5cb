"""Each person makes, names and revokes their own API tokens; only a hash is kept."""

import pytest
from django.urls import reverse

from api.models import ApiToken, key_hash

from ..conftest import login
from ..factories import second_factor

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_only_its_hash_is_kept(reporter_a):
    client = login(reporter_a)
    data = {"name": "Phần mềm văn bản", "code": second_factor(reporter_a)()}

    page = client.post(reverse("api:tokens"), data).content.decode()

    token = ApiToken.objects.get()
    key = page.split('<code class="user-select-all fs-6">')[1].split("</code>")[0]
    assert key.startswith("dd_") and len(key) > 40
    assert token.digest == key_hash(key) and key not in str(token.__dict__)
    assert (token.user, token.name, token.prefix) == (reporter_a, "Phần mềm văn bản", key[:10])
    again = client.get(reverse("api:tokens")).content.decode()
    assert key not in again and f"{key[:10]}…" in again


def test_a_person_revokes_their_own_token_not_anothers(reporter_a, reporter_b):
    mine, _key = ApiToken.issue(user=reporter_a, name="Của tôi")
    theirs, _key = ApiToken.issue(user=reporter_b, name="Của xã B")
    client = login(reporter_a)

    refused = client.post(reverse("api:token_revoke", args=[theirs.pk]))
    done = client.post(reverse("api:token_revoke", args=[mine.pk]))

    assert (refused.status_code, done.status_code) == (404, 302)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert "Của xã B" not in client.get(reverse("api:tokens")).content.decode()


def test_a_token_needs_a_name(reporter_a):
    response = login(reporter_a).post(reverse("api:tokens"), {"name": ""})

    assert response.status_code == 200
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("name", ["tokens", "token_revoke"])
def test_anonymous_visitors_are_sent_to_log_in(name, client):
    args = [1] if name == "token_revoke" else []

    response = client.post(reverse(f"api:{name}", args=args), {"name": "x"})

    assert response.status_code == 302
    assert response.url.startswith("/dang-nhap/")
    assert not ApiToken.objects.exists()


def test_revoking_refuses_get(reporter_a):
    token, _key = ApiToken.issue(user=reporter_a, name="x")

    assert login(reporter_a).get(reverse("api:token_revoke", args=[token.pk])).status_code == 405


def test_a_token_needs_a_fresh_second_factor(reporter_a):
    client = login(reporter_a)
    page = client.post(reverse("api:tokens"), {"name": "x", "code": "123456"}).content.decode()
    assert "bật xác thực hai lớp trước" in page
    second_factor(reporter_a)
    page = client.post(reverse("api:tokens"), {"name": "x", "code": "000000"}).content.decode()
    assert "Mã xác thực không đúng" in page
    assert not ApiToken.objects.exists()
