"""The reorganisation form: one form for every kind, the fields each kind reads marked
on the page (static/js/reorganisation.js shows only those); `plan()` turns what was
entered into a plans.Plan."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.administration.forms import DATE_HELP
from accounts.administration.selectors import administered_units
from units.forms import UnitChoiceField, UnitsChoiceField
from units.models import Unit
from units.text import whole_number

from . import plans
from .models import Reorganisation

Kind = Reorganisation.Kind


def _date(label, help_text=DATE_HELP):
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )


class ActForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hình thức"), choices=Kind.choices, widget=forms.RadioSelect)
    basis = forms.CharField(
        label=_("Căn cứ"),
        max_length=255,
        help_text=Reorganisation._meta.get_field("basis").help_text,
    )
    basis_date = _date(_("Ngày ban hành văn bản"))
    effective = _date(_("Ngày có hiệu lực"), Reorganisation._meta.get_field("effective").help_text)
    sources = UnitsChoiceField(
        label=_("Đơn vị được sắp xếp"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Giữ Ctrl (trên điện thoại: chạm) để chọn nhiều đơn vị."),
    )
    into = UnitChoiceField(
        label=_("Sáp nhập vào / giao lại cho đơn vị"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_(
            "Hợp nhất: để trống nếu lập đơn vị mới. Giải thể: để trống nếu công việc chấm dứt."
        ),
    )
    name = forms.CharField(label=_("Tên đơn vị mới"), max_length=255, required=False)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=64, required=False)
    unit_kind = forms.ChoiceField(
        label=_("Loại đơn vị mới"),
        choices=[("", _("Như đơn vị cũ")), *Unit.Kind.choices],
        required=False,
    )
    parent = UnitChoiceField(
        label=_("Trực thuộc"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Để trống: như đơn vị cũ."),
    )
    parts = forms.CharField(
        label=_("Các đơn vị sau chia tách"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Mỗi dòng một tên. Đơn vị đầu tiên nhận tài khoản và đơn vị trực thuộc."),
    )
    accounts = forms.ChoiceField(
        label=_("Tài khoản của đơn vị cũ"),
        choices=[
            ("move", _("Chuyển sang đơn vị mới")),
            ("deactivate", _("Ngừng hoạt động (trừ tài khoản còn vai trò ở đơn vị khác)")),
        ],
        initial="move",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    # Which fields each kind reads, besides the act's own (the page shows only those).
    KIND_FIELDS = {
        "into": (Kind.MERGE, Kind.DISSOLVE),
        "name": (Kind.MERGE, Kind.RENAME),
        "short_name": (Kind.MERGE, Kind.RENAME),
        "unit_kind": (Kind.MERGE,),
        "parent": (Kind.MERGE, Kind.SPLIT, Kind.MOVE),
        "parts": (Kind.SPLIT,),
    }

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        open_units = administered_units(admin).filter(valid_to__isnull=True).order_by("name")
        for name in ("sources", "into", "parent"):
            self.fields[name].queryset = open_units
        for name, kinds in self.KIND_FIELDS.items():
            self.fields[name].widget.attrs["data-kinds"] = " ".join(kinds)

    def clean(self):
        data = super().clean()
        kind, sources = data.get("kind"), list(data.get("sources") or [])
        if not kind or not sources:
            return data
        problems = plans.entry_problems(
            kind=kind,
            sources=sources,
            into=data.get("into"),
            name=data.get("name", ""),
            parent=data.get("parent"),
            parts=len(self.part_names()),
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return data

    def part_names(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data.get("parts", "").splitlines() if line.strip()
        ]

    def takes(self, index: int) -> frozenset[int] | None:
        """The tasks the split's `index`-th new unit takes, as ticked on the preview's
        table ("nhan_<index>"); None (every task) before the table was shown."""
        if "chia" not in self.data:
            return None
        ticked = self.data.getlist(f"nhan_{index}")
        return frozenset(n for v in ticked if (n := whole_number(v)) is not None)

    def plan(self) -> plans.Plan:
        data = self.cleaned_data
        sources = list(data["sources"])
        parent = data.get("parent") or sources[0].parent
        parts = [
            plans.NewUnit(name, sources[0].kind, parent, takes=self.takes(i))
            for i, name in enumerate(self.part_names())
        ]
        return plans.build(
            kind=data["kind"],
            sources=sources,
            basis=data["basis"],
            basis_date=data["basis_date"],
            effective=data["effective"],
            into=data.get("into"),
            name=data.get("name", ""),
            short_name=data.get("short_name", ""),
            unit_kind=data.get("unit_kind", ""),
            parent=data.get("parent"),
            parts=parts,
            accounts=data["accounts"],
            note=data.get("note", ""),
        )
