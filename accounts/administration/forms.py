"""Administration's forms. The rules (who may, nobody grants themselves) are the
services'; the forms offer only the units and roles the administrator may give."""

from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import UnitChoiceField, UnitsChoiceField
from units.models import Unit, UnitGroup
from units.permissions import roles_of

from .selectors import administered_units, grantable_roles

DATE_HELP = _("Ngày/tháng/năm, ví dụ 30/06/2025.")


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "parent", "valid_from"]
        field_classes = {"parent": UnitChoiceField}
        widgets = {"valid_from": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})}
        help_texts = {"valid_from": DATE_HELP}

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        places = administered_units(admin)
        if self.instance.parent_id is not None:  # where it stands may stay, in scope or not
            places = places | Unit.objects.filter(pk=self.instance.parent_id)
        self.fields["parent"].queryset = places
        # A top unit (no unit above it) is a reviewer's to add.
        self.fields["parent"].required = not roles_of(admin).is_reviewer


class UnitCloseForm(forms.Form):
    on = forms.DateField(label=_("Hoạt động đến ngày"), help_text=DATE_HELP)
    successor = UnitChoiceField(
        label=_("Đơn vị kế thừa"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = administered_units(admin)


class GroupForm(forms.ModelForm):
    members = UnitsChoiceField(
        label=_("Đơn vị thành viên"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Giữ Ctrl (trên điện thoại: chạm) để chọn nhiều đơn vị."),
    )

    class Meta:
        model = UnitGroup
        fields = ["name"]

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = administered_units(admin)
        if self.instance.pk:
            self.fields["members"].initial = list(self.instance.members.all())


class GrantForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_("Vai trò"))

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = administered_units(admin)
        self.fields["role"].choices = grantable_roles(admin)


class InviteForm(GrantForm):
    username = forms.RegexField(
        label=_("Tên đăng nhập"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Chỉ dùng chữ không dấu, số và . @ + - _")},
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"))

    field_order = ["username", "full_name", "email", "unit", "role"]
