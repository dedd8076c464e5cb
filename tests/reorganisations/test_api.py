"""Reorganisations through the API: previewed (nothing changes), applied, listed, undone;
the same refusals as the pages, in Vietnamese, and never a 500 for bad input."""

import pytest

from reorganisations.models import Reorganisation
from units.models import Membership, Unit

from ..api.conftest import token_client
from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db
ACTS = "/api/v1/reorganisations/"


def _merge(case, **changes):
    return {
        "kind": "merge",
        "basis": "Nghị quyết số 1664/NQ-UBTVQH15",
        "basis_date": "2025-06-16",
        "effective": "2025-07-01",
        "sources": [case.a.pk, case.b.pk],
        "name": "Đảng bộ xã Tuy Phước",
    } | changes


def test_preview_then_apply_then_undo(case):
    api = token_client(case.admin)

    preview = api.post(ACTS, _merge(case, preview=True), format="json")

    assert preview.status_code == 200, preview.json()
    body = preview.json()
    assert body["problems"] == []
    (outcome,) = body["outcomes"]
    assert (outcome["name"], outcome["open"], outcome["reports"]) == ("Đảng bộ xã Tuy Phước", 3, 1)
    assert outcome["accounts"] == ["canbo_xa_a", "canbo_xa_b"]
    assert outcome["children"] == [case.below_a.pk]
    assert body["groups"] == [case.group.pk]
    assert not Reorganisation.objects.exists()

    applied = api.post(ACTS, _merge(case), format="json")

    assert applied.status_code == 201, applied.json()
    act = applied.json()
    merged = Unit.objects.get(name="Đảng bộ xã Tuy Phước")
    assert act["sources"] == [case.a.pk, case.b.pk] and act["results"] == [merged.pk]
    assert [a["id"] for a in api.get(ACTS).json()["results"]] == [act["id"]]
    assert api.get(f"{ACTS}{act['id']}/").json()["effective"] == "2025-07-01"

    undone = api.post(f"{ACTS}{act['id']}/undo/")

    assert undone.status_code == 200 and undone.json()["undone_at"]
    assert not Unit.objects.filter(pk=merged.pk).exists()
    again = api.post(f"{ACTS}{act['id']}/undo/")
    assert again.status_code == 409 and again.json()["detail"] == "Đã hoàn tác."


def test_a_split_with_its_parts(case):
    api = token_client(case.admin)
    parts = [
        {"name": "Đảng bộ xã A1", "kind": "grassroots_party", "staff": True},
        {"name": "Đảng bộ xã A2", "kind": "grassroots_party", "takes": [case.ongoing.pk]},
    ]

    response = api.post(
        ACTS, _merge(case, kind="split", sources=[case.a.pk], parts=parts), format="json"
    )

    assert response.status_code == 201, response.json()
    a2 = Unit.objects.get(name="Đảng bộ xã A2")
    assert a2.parent == case.district  # left out: where the old unit stood
    assert list(a2.assignments.values_list("task", flat=True)) == [case.ongoing.pk]


def test_refusals(case):
    admin_a = MembershipFactory(unit=case.a, role=Membership.Role.UNIT_ADMIN).user
    cases = [
        (case.admin, _merge(case, sources=[case.a.pk]), 409, "Hợp nhất cần ít nhất hai đơn vị."),
        (case.admin, _merge(case, kind="rename"), 409, "Chọn đúng một đơn vị cho hình thức này."),
        (case.admin, _merge(case, kind="split", sources=[case.a.pk]), 409, "Ghi ít nhất hai"),
        (case.admin, _merge(case, kind="move", sources=[case.a.pk]), 409, "Chọn đơn vị trực thuộc"),
        (case.admin, _merge(case, effective="2025-06-01"), 409, "Ngày có hiệu lực không thể"),
        (case.admin, _merge(case, sources=[999999]), 404, "Không có đối tượng mã 999999"),
        (case.admin, _merge(case, sources="abc"), 400, ""),
        (case.admin, _merge(case, kind="teleport"), 400, ""),
        (case.admin, _merge(case, preview="yes"), 400, "true hoặc false"),
        (case.admin, _merge(case, basis_date="16/06/2025"), 400, ""),
        (admin_a, _merge(case), 403, ""),
        (case.reporter_a, _merge(case), 403, ""),
        (None, _merge(case), 401, ""),
    ]
    for user, body, status, words in cases:
        response = token_client(user).post(ACTS, body, format="json")
        assert response.status_code == status, (body, response.json())
        assert words in str(response.json())
    assert not Reorganisation.objects.exists()
    assert token_client(case.reporter_a).get(ACTS).status_code == 403


def test_the_units_say_what_they_were_formed_from(case):
    api = token_client(case.admin)
    api.post(ACTS, _merge(case), format="json")
    merged = Unit.objects.get(name="Đảng bộ xã Tuy Phước")

    units = {u["id"]: u for u in api.get("/api/v1/units/?page_size=100").json()["results"]}

    assert units[merged.pk]["formed_from"] == [case.a.pk, case.b.pk]
    assert units[case.a.pk]["successor"] == merged.pk
    assert units[case.a.pk]["valid_to"] == "2025-06-30"
