"""match_units: the names a letter prints, matched to units whatever the spelling."""

import unicodedata
from types import SimpleNamespace

import pytest

from directives.letter_reader import match_units

UNITS = [
    (1, "Ủy ban nhân dân huyện Tuy Phước", "UBND huyện"),
    (2, "Ủy ban Mặt trận Tổ quốc Việt Nam huyện Tuy Phước", "UBMTTQ huyện"),
    (3, "Ban Tuyên giáo Huyện ủy Tuy Phước", "Ban Tuyên giáo HU"),
    (4, "Văn phòng Huyện ủy Tuy Phước", "VPHU"),
    (5, "Phòng Văn hóa - Thông tin huyện", "Phòng VH-TT"),
    (6, "Hội đồng nhân dân huyện", ""),
    (7, "Đảng bộ xã Phước Hòa", ""),
    (8, "Công an huyện Tuy Phước", "Công an huyện"),
]
GROUPS = [SimpleNamespace(pk=20, name="Các tổ chức cơ sở đảng trực thuộc Huyện ủy")]


def best(name, units=UNITS, groups=GROUPS):
    (match,) = match_units([name], units, groups)
    return match


@pytest.mark.parametrize(
    "name, unit_id",
    [
        ("Ủy ban nhân dân huyện Tuy Phước", 1),
        (unicodedata.normalize("NFD", "Ủy ban nhân dân huyện Tuy Phước"), 1),
        ("Uỷ ban nhân dân huyện Tuy Phước", 1),
        ("ỦY BAN NHÂN DÂN HUYỆN TUY PHƯỚC", 1),
        ("Đảng bộ xã Phước Hoà", 7),
        ("Phòng Văn hoá - Thông tin huyện", 5),
    ],
)
def test_unicode_form_tone_placement_and_case_are_exact(name, unit_id):
    m = best(name)
    assert (m.unit_id, m.confidence, m.is_group) == (unit_id, 1.0, False)


@pytest.mark.parametrize(
    "name, unit_id",
    [
        ("UBND huyện Tuy Phước", 1),
        ("Ủy ban MTTQ Việt Nam huyện Tuy Phước", 2),
        ("UBMTTQ huyện Tuy Phước", 2),
        ("Ủy ban Mặt trận Tổ quốc huyện Tuy Phước", 2),
        ("HĐND huyện", 6),
        ("Ban Tuyên giáo Huyện ủy", 3),
        ("Văn phòng Huyện ủy", 4),
        ("Phòng Văn hóa - Thông tin huyện", 5),
        ("Các TCCS đảng trực thuộc HU", 20),
    ],
)
def test_abbreviations_are_written_out(name, unit_id):
    m = best(name)
    assert m.unit_id == unit_id and 0.85 <= m.confidence <= 1.0


def test_a_group_is_flagged():
    m = best("Các tổ chức cơ sở đảng trực thuộc Huyện ủy")
    assert (m.unit_id, m.pk, m.is_group, m.confidence) == (20, 20, True, 1.0)


def test_the_only_unit_at_that_level_matches_well():
    units = [(u, name, "") for u, name, _ in UNITS]
    m = best("Ủy ban nhân dân huyện", units)
    assert m.unit_id == 1 and 0.7 <= m.confidence < 0.85
    assert best("Ủy ban nhân dân huyện").confidence == 0.9  # its short name: "UBND huyện"


def test_confidence_orders_exact_abbreviation_fuzzy():
    exact = best("Ủy ban nhân dân huyện Tuy Phước").confidence
    abbreviated = best("UBND huyện Tuy Phước").confidence
    no_diacritics = best("Uy ban nhan dan huyen Tuy Phuoc").confidence
    fuzzy = best("Ủy ban nhân dân Tuy Phước tỉnh Bình Định").confidence
    assert exact > abbreviated > no_diacritics > fuzzy > 0


@pytest.mark.parametrize("name", ["Sở Y tế", "Bộ Xây dựng", "", "  "])
def test_unknown_is_none(name):
    m = best(name)
    assert (m.unit_id, m.confidence) == (None, 0.0)


def test_units_as_objects_and_many_names():
    units = [SimpleNamespace(pk=1, name="Công an huyện Tuy Phước", short_name="Công an huyện")]
    matches = match_units(["Công an huyện", "Sở Y tế"], units)
    assert [(m.name, m.unit_id, m.unit_name) for m in matches] == [
        ("Công an huyện", 1, "Công an huyện Tuy Phước"),
        ("Sở Y tế", None, None),
    ]
