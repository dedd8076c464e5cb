"""Handing a task down (giao việc tiếp): a unit gives a task it was given to units below
it in the tree, each with a deadline of its own. Those units file as any assignee does;
the unit follows them on its own pages. The figures count the unit's assignment only
(Assignment.objects.counted), never the ones below it.

Who may hand down is units.permissions' "assignment.hand_down"; these functions check
what the task and the units allow.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from ops.audit import audit
from units.models import Unit, subtree_ids

from .models import Assignment


def units_below(unit: Unit, *, today: datetime.date | None = None) -> list[Unit]:
    """The units under `unit` in the tree (units.models.subtree_ids), active today."""
    today = today or timezone.localdate()
    below = subtree_ids(unit)[1:]
    return list(Unit.objects.active_between(today, today).filter(pk__in=below).order_by("name"))


def _audit(assignment: Assignment, by, action: str, what: str, **data) -> None:
    task = assignment.task
    audit(
        actor=by,
        action=action,
        obj=assignment,
        summary=_("%(what)s — nhiệm vụ %(task)s, %(unit)s")
        % {
            "what": what,
            "task": task.code,
            "unit": assignment.unit.name,
        },
        directive_id=task.section.directive_id,
        unit_id=assignment.unit_id,
        **data,
    )


@transaction.atomic
def assignment_hand_down(
    *, assignment: Assignment, units: dict[Unit, datetime.date | None], by
) -> list[Assignment]:
    """Give `assignment`'s task to each of `units` (below its unit), with its deadline
    ({unit: date}; a task with a deadline needs one, no later than the unit's own).
    All are given, or none (a ValidationError says why, unit by unit)."""
    if not assignment.task.section.directive.is_in_force:
        raise ValidationError(_("Văn bản không còn hiệu lực: không giao việc tiếp được."))
    if not units:
        raise ValidationError(_("Chọn ít nhất một đơn vị cấp dưới để giao việc."))
    below = {u.pk for u in units_below(assignment.unit)}
    given = set(assignment.handed_down.values_list("unit_id", flat=True))
    due = assignment.due
    errors = []
    for unit, deadline in units.items():
        if unit.pk not in below:
            errors.append(_("%(unit)s không phải đơn vị cấp dưới đang hoạt động.") % {"unit": unit})
        elif unit.pk in given:
            errors.append(_("Đã giao nhiệm vụ này cho %(unit)s.") % {"unit": unit})
        elif assignment.task.has_deadline and deadline is None:
            errors.append(_("Cần hạn hoàn thành cho %(unit)s.") % {"unit": unit})
        elif deadline and due and deadline > due:
            errors.append(
                _("Hạn của %(unit)s (%(day)s) không được muộn hơn hạn của đơn vị (%(due)s).")
                % {"unit": unit, "day": f"{deadline:%d/%m/%Y}", "due": f"{due:%d/%m/%Y}"}
            )
    if errors:
        raise ValidationError(errors)
    made = []
    try:
        with transaction.atomic():
            for unit, deadline in units.items():
                made.append(
                    Assignment.objects.create(
                        task=assignment.task,
                        unit=unit,
                        role=assignment.role,
                        parent=assignment,
                        deadline=deadline if assignment.task.has_deadline else None,
                    )
                )
    except IntegrityError:  # someone handed it to one of them meanwhile
        raise ValidationError(_("Nhiệm vụ vừa được giao cho một trong các đơn vị này.")) from None
    for sub in made:
        _audit(
            sub,
            by,
            "assignment.handed_down",
            _("Giao việc tiếp từ %(unit)s") % {"unit": assignment.unit.name},
            parent=assignment.pk,
            deadline=sub.deadline.isoformat() if sub.deadline else None,
        )
    return made


@transaction.atomic
def assignment_take_back(*, assignment: Assignment, by) -> None:
    """Take back a task handed down, while the unit below has reported nothing on it."""
    if assignment.parent_id is None:
        raise ValidationError(_("Chỉ thu hồi được việc đã giao tiếp."))
    _audit(assignment, by, "assignment.taken_back", _("Thu hồi việc đã giao tiếp"))
    try:
        with transaction.atomic():
            assignment.delete()
    except ProtectedError:
        raise ValidationError(
            _("%(unit)s đã báo cáo về nhiệm vụ này: không thu hồi được.")
            % {"unit": assignment.unit}
        ) from None
