"""The 2025 demo: Tuy Phước's thirteen communes become four on 1/7/2025 under the new
tỉnh Gia Lai (demo/reorganisation.py), applied to a plan reported across that date."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo import data as demo
from demo import reorganisation as demo_2025
from directives.models import Directive
from reorganisations.models import Reorganisation
from reports.figures import engine
from units.models import Membership, Unit, lineage

pytestmark = pytest.mark.django_db
TODAY = demo_2025.D(2026, 1, 20)


def _figures(plan):
    periods = list(plan.periods.select_related("directive").order_by("start"))
    return engine.count(periods=periods, directive=plan, by=("period", "unit"), today=TODAY)


def test_the_2025_arrangement_applied_to_a_plan_across_it():
    demo.load_demo()
    plan = Directive.objects.get(number=demo_2025.PLAN_NUMBER)
    before = _figures(plan)
    reviewer = get_user_model().objects.get(username="bantuyengiao")

    acts = demo_2025.apply_2025(reviewer)

    assert [a.basis for a in acts] == [demo_2025.PROVINCE_ACT[0]] + [demo_2025.COMMUNE_ACT[0]] * 4
    province = Unit.objects.get(name=demo_2025.NEW_PROVINCE)
    dong = Unit.objects.get(name="Đảng bộ xã Tuy Phước Đông")
    assert dong.parent == province and dong.valid_from == demo_2025.EFFECTIVE
    assert [u.name for u in lineage(dong)] == [
        "Đảng bộ xã Phước Hòa", "Đảng bộ xã Phước Sơn", "Đảng bộ xã Phước Thắng",
    ]  # fmt: skip
    assert Unit.objects.get(name=demo.HUYEN_UY).parent == province
    # The past reads as it did; the last quarter expects the four new communes only.
    past = {p.pk for p in plan.periods.all() if p.cutoff < demo_2025.EFFECTIVE}
    assert {k: f for k, f in _figures(plan).items() if k[0] in past} == {
        k: f for k, f in before.items() if k[0] in past
    }
    last = plan.periods.order_by("start").last()
    expected = engine.by_unit(directive=plan, period=last, today=TODAY)
    assert {Unit.objects.get(pk=pk).name for pk in expected} == set(demo_2025.COMMUNES_2025)
    # Phước Sơn's reporter now files for Tuy Phước Đông.
    assert Membership.objects.filter(user__username="phuocson", unit=dong).exists()
    assert demo_2025.apply_2025(reviewer) == []  # once


def test_the_command_applies_it_on_request(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert not Reorganisation.objects.exists()  # a visitor may apply it at /quan-ly/sap-xep/

    call_command("load_demo", "--sap-xep-2025", stdout=out)

    assert Reorganisation.objects.count() == 5
    assert "Đã áp dụng 5 lần sắp xếp đơn vị từ 01/07/2025." in out.getvalue()
