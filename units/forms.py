"""Form helpers every app's pages use."""

from django import forms
from django.core.exceptions import ValidationError

from .text import whole_number


class UnitChoiceField(forms.ModelChoiceField):
    """A unit, named with its parent (two units may share a name)."""

    def label_from_instance(self, unit):
        return unit.name if unit.parent is None else f"{unit.name} ({unit.parent.display_name})"


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    """Units, named as UnitChoiceField names one. An id no row can have is refused as any
    other wrong value, before the query (on SQLite, a number past 64 bits was a 500)."""

    label_from_instance = UnitChoiceField.label_from_instance

    def _check_values(self, value):
        for pk in value:
            if isinstance(pk, str) and pk.isdigit() and whole_number(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def add_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
