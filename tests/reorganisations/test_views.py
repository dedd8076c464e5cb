"""The unit administrator's reorganisation pages: who may open them, an act entered,
previewed (nothing changes), applied, shown and undone; bad input answered in
Vietnamese."""

import pytest
from django.urls import reverse

from directives.models import Assignment
from reorganisations.models import Reorganisation
from units.models import Membership, Unit

from ..conftest import login
from ..factories import MembershipFactory
from .conftest import ACT

pytestmark = pytest.mark.django_db
NEW = reverse("reorganisations:act_new")


def _merge(case, **changes):
    return {
        "kind": "merge",
        "basis": "Nghị quyết số 1664/NQ-UBTVQH15",
        "basis_date": "16/06/2025",
        "effective": "01/07/2025",
        "sources": [case.a.pk, case.b.pk],
        "name": "Đảng bộ xã Tuy Phước",
        "accounts": "move",
        "xem_truoc": "",
    } | changes


def test_who_opens_the_pages(case, client):
    admin_a = MembershipFactory(unit=case.a, role=Membership.Role.UNIT_ADMIN).user
    other = MembershipFactory(unit=case.c, role=Membership.Role.UNIT_ADMIN).user
    login(case.admin).post(NEW, _merge(case, ap_dung=""))
    act = Reorganisation.objects.get()
    pages = [reverse("reorganisations:acts"), NEW, reverse("reorganisations:act", args=[act.pk])]

    for page in pages:
        assert login(case.admin).get(page).status_code == 200
        assert login(admin_a).get(page).status_code == 200  # the act closed its unit
        assert login(case.reporter_a).get(page).status_code == 403
        assert client.get(page).url.startswith("/dang-nhap/")
    # Another unit's administrator does not learn of the act.
    assert login(other).get(pages[2]).status_code == 404
    assert "Đảng bộ xã A" not in login(other).get(pages[0]).content.decode()
    undo = reverse("reorganisations:act_undo", args=[act.pk])
    assert login(case.reporter_a).post(undo).status_code == 403
    assert login(other).post(undo).status_code == 404
    assert login(case.admin).get(undo).status_code == 405


def test_a_merge_previewed_then_applied_then_undone(case):
    client = login(case.admin)

    preview = client.post(NEW, _merge(case))

    body = preview.content.decode()
    assert preview.status_code == 200 and 'id="preview"' in body
    assert "Hoạt động đến hết ngày 30/06/2025" in body
    assert "3 nhiệm vụ đang thực hiện" in body and "canbo_xa_a" in body
    assert "Chi bộ thôn 1 (xã A)" in body and "Các xã ven biển" in body
    assert not Reorganisation.objects.exists()  # a preview changes nothing

    applied = client.post(NEW, _merge(case, ap_dung=""))

    act = Reorganisation.objects.get()
    assert applied.status_code == 302 and applied.url == reverse(
        "reorganisations:act", args=[act.pk]
    )
    merged = Unit.objects.get(name="Đảng bộ xã Tuy Phước")
    assert merged.valid_from == ACT and Assignment.objects.filter(unit=merged).count() == 3
    shown = client.get(applied.url).content.decode()
    assert "Đảng bộ xã A" in shown and "đến 30/06/2025" in shown and "Hoàn tác" in shown

    undone = client.post(reverse("reorganisations:act_undo", args=[act.pk]), follow=True)

    assert "Đã hoàn tác" in undone.content.decode()
    assert not Unit.objects.filter(name="Đảng bộ xã Tuy Phước").exists()
    case.a.refresh_from_db()
    assert case.a.valid_to is None


def test_bad_input_is_answered_in_vietnamese_and_changes_nothing(case):
    client = login(case.admin)
    wrong = [
        _merge(case, effective="31/02/2025"),
        _merge(case, sources=[case.a.pk]),
        _merge(case, kind="split", parts="Chỉ một tên"),
        _merge(case, kind="rename", name=""),
        _merge(case, kind="teleport"),
        _merge(case, sources=["abc"]),
        _merge(case, sources=[case.a.pk, "9" * 20]),  # no id is that big (SQLite: a 500)
        _merge(case, basis="x" * 300),
        _merge(case, ap_dung="", basis_date="02/07/2025"),
    ]
    messages = [
        "Nhập một ngày hợp lệ.",
        "Hợp nhất cần ít nhất hai đơn vị.",
        "Ghi ít nhất hai đơn vị mới.",
        "Ghi tên mới của đơn vị.",
        "Hãy chọn một lựa chọn hợp lệ.",
        "“abc” không phải là giá trị hợp lệ.",
        f"“{'9' * 20}” không phải là giá trị hợp lệ.",
        "Giá trị này chỉ có tối đa 255 kí tự (hiện có 300)",
        "Ngày có hiệu lực không thể trước ngày ban hành văn bản.",
    ]
    for data, message in zip(wrong, messages, strict=True):
        response = client.post(NEW, data)
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert not Reorganisation.objects.exists()
    assert Unit.objects.filter(valid_to__isnull=False).count() == 0


def test_a_unit_administrator_is_offered_only_its_units(case):
    admin_a = MembershipFactory(unit=case.a, role=Membership.Role.UNIT_ADMIN).user

    response = login(admin_a).post(NEW, _merge(case, ap_dung=""))

    assert response.status_code == 200
    assert "không phải là một trong các lựa chọn" in response.content.decode()
    assert not Reorganisation.objects.exists()


def test_a_split_divides_the_tasks_as_ticked_on_the_preview(case):
    client = login(case.admin)
    split = _merge(case, kind="split", sources=[case.a.pk], parts="Đảng bộ xã A1\nĐảng bộ xã A2")

    first = client.post(NEW, split)

    body = first.content.decode()
    assert 'id="division"' in body and body.count('type="checkbox" form="act-form"') == 6
    # A1 takes every task, A2 only the ongoing one.
    ticked = {"chia": "1", "nhan_0": [str(t.pk) for t in (case.ongoing, case.deadline, case.both)]}
    ticked["nhan_1"] = [str(case.ongoing.pk)]
    applied = client.post(NEW, split | ticked | {"ap_dung": ""})

    assert applied.status_code == 302
    a2 = Unit.objects.get(name="Đảng bộ xã A2")
    assert list(Assignment.objects.filter(unit=a2).values_list("task", flat=True)) == [
        case.ongoing.pk
    ]
    assert Assignment.objects.filter(unit__name="Đảng bộ xã A1").count() == 3


def test_a_units_page_leads_to_its_reorganisation(case):
    client = login(case.admin)

    unit_page = client.get(reverse("accounts:unit", args=[case.a.pk])).content.decode()
    new = client.get(f"{NEW}?kieu=merge&don_vi={case.a.pk}").content.decode()

    assert f"{NEW}?kieu=merge&amp;don_vi={case.a.pk}" in unit_page
    assert f'<option value="{case.a.pk}" selected>' in new
    assert client.get(f"{NEW}?don_vi=99999999999999").status_code == 200


def test_an_act_beyond_the_administrators_scope_is_explained_not_applied(case):
    """Xã A's administrator dissolving xã A would move its chi bộ up to the Huyện ủy."""
    admin_a = MembershipFactory(unit=case.a, role=Membership.Role.UNIT_ADMIN).user
    data = _merge(case, kind="dissolve", sources=[case.a.pk], ap_dung="")

    response = login(admin_a).post(NEW, data)

    assert response.status_code == 200
    assert "Sắp xếp này vượt quá phạm vi bạn quản lý" in response.content.decode()
    assert not Reorganisation.objects.exists()
    assert Unit.objects.get(pk=case.a.pk).valid_to is None
