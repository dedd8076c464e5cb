"""Units (đơn vị), the groups they are addressed in, and who works for them."""

import datetime
import unicodedata

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def active_between_q(start: datetime.date, end: datetime.date, prefix: str = "") -> Q:
    """Units that existed at some time from start to end (a closed unit stays in history).
    `prefix` reaches the unit through a relation, e.g. "unit__"."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": start})
    )


def active_between(
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    start: datetime.date,
    end: datetime.date,
) -> bool:
    """A unit open from `valid_from` to `valid_to` (None: always) existed at some time from
    start to end: the Python form of active_between_q."""
    return (valid_from is None or valid_from <= end) and (valid_to is None or valid_to >= start)


def fold(text: str) -> str:
    """Text as search compares it: lower case, no diacritics, whatever the Unicode form
    or tone-mark placement ("Phước Sơn" in NFC or NFD, "Hoà" or "Hòa" → "phuoc son", "hoa")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


class UnitQuerySet(models.QuerySet):
    def active_between(self, start: datetime.date, end: datetime.date) -> "UnitQuerySet":
        return self.filter(active_between_q(start, end))

    def dated(self) -> "UnitQuerySet":
        """Units that open or close at a date: the only ones not active in every period."""
        return self.filter(Q(valid_from__isnull=False) | Q(valid_to__isnull=False))


class Unit(models.Model):
    class Kind(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", _("Cấp ủy")
        PARTY_BOARD = "party_board", _("Ban, cơ quan tham mưu của cấp ủy")
        GRASSROOTS_PARTY = "grassroots_party", _("Tổ chức cơ sở đảng")
        GOVERNMENT = "government", _("Chính quyền")
        AGENCY = "agency", _("Cơ quan chuyên môn, đơn vị sự nghiệp")
        POLICE = "police", _("Công an, quân sự")
        FRONT = "front", _("Mặt trận Tổ quốc")
        MASS_ORG = "mass_org", _("Hội, đoàn thể chính trị - xã hội")
        OTHER = "other", _("Khác")

    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=64, blank=True)
    kind = models.CharField(_("loại đơn vị"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("hoạt động từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến ngày"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("Đơn vị nhận lại nhiệm vụ khi đơn vị này sáp nhập, giải thể."),
    )

    # Set by a reorganisation: the units this one was formed from (merged, split, renamed
    # or moved), whose history it carries on.
    formed_from = models.ManyToManyField(
        "self",
        verbose_name=_("hình thành từ"),
        symmetrical=False,
        related_name="formed_into",
        blank=True,
        editable=False,
    )

    search_name = models.CharField(max_length=400, editable=False, db_index=True, default="")

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            )
        ]
        indexes = [
            # Whether any unit opens or closes at a date (UnitQuerySet.dated), asked by each
            # live count: answered from this index, which holds only those few units.
            models.Index(
                fields=["id"],
                condition=Q(valid_from__isnull=False) | Q(valid_to__isnull=False),
                name="units_dated",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(f"{self.name} {self.short_name}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_active_between(self, start: datetime.date, end: datetime.date) -> bool:
        return active_between(self.valid_from, self.valid_to, start, end)


def lineage(unit: "Unit") -> list["Unit"]:
    """The units this one was formed from, and those they were formed from, nearest
    first: its history before a reorganisation. One query a generation."""
    found: list[Unit] = []
    seen, generation = {unit.pk}, [unit.pk]
    while generation:
        older = [
            u
            for u in Unit.objects.filter(formed_into__in=generation).distinct().order_by("name")
            if u.pk not in seen
        ]
        seen |= {u.pk for u in older}
        found += older
        generation = [u.pk for u in older]
    return found


def formed_from(unit_ids: list[int]) -> dict[int, list["Unit"]]:
    """The units each of these was formed from (a reorganisation), by its id: one query."""
    found: dict[int, list[Unit]] = {}
    links = Unit.formed_from.through.objects.filter(from_unit_id__in=unit_ids)
    for link in links.select_related("to_unit").order_by("to_unit__name"):
        found.setdefault(link.from_unit_id, []).append(link.to_unit)
    return found


TREE_LOCK = 7_301_160  # any number of our own: PostgreSQL's advisory lock for the tree


def tree_hold() -> None:
    """Hold the unit tree against other moves until this transaction ends, so that a move
    checked "never below itself" stays so when it is written (two moves checked at once,
    each putting one unit under the other, made a cycle). SQLite writes one transaction
    at a time: nothing to hold."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK])


def subtree_ids(unit: "Unit") -> list[int]:
    """The unit and every unit below it in the tree, closed ones too: one query a level."""
    found, level = [unit.pk], [unit.pk]
    while level:
        level = list(Unit.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        found += level
    return found


class UnitGroup(models.Model):
    """A set of units addressed together, e.g. "Các tổ chức cơ sở đảng trực thuộc Huyện ủy"."""

    name = models.CharField(_("tên nhóm"), max_length=255, unique=True)
    members = models.ManyToManyField(
        Unit, verbose_name=_("đơn vị thành viên"), related_name="groups", blank=True
    )

    class Meta:
        verbose_name = _("nhóm đơn vị")
        verbose_name_plural = _("nhóm đơn vị")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        REPORTER = "reporter", _("Cán bộ báo cáo của đơn vị")
        REVIEWER = "reviewer", _("Chuyên viên theo dõi")
        LEADERSHIP = "leadership", _("Lãnh đạo (xem toàn bộ tổng hợp)")
        UNIT_HEAD = "unit_head", _("Lãnh đạo đơn vị (nhận báo cáo quá hạn của đơn vị)")
        UNIT_ADMIN = "unit_admin", _("Quản trị đơn vị (tài khoản, vai trò ở đơn vị và cấp dưới)")

    class Source(models.TextChoices):
        APP = "app", _("Quản trị trong ứng dụng")
        DIRECTORY = "directory", _("Thư mục (LDAP)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    # A role granted by the directory is kept in line with it at every sign-in; one
    # granted in the app is left alone by the directory.
    source = models.CharField(
        _("nguồn"), max_length=16, choices=Source.choices, default=Source.APP, editable=False
    )

    class Meta:
        verbose_name = _("thành viên đơn vị")
        verbose_name_plural = _("thành viên đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"
