"""Rules for directives: publishing, and fanning tasks out to the units that carry them out."""

from django.db import transaction

from .models import Addressee, Assignment, Directive, Role
from .signals import directive_published


@transaction.atomic
def assignments_sync(*, directive: Directive) -> int:
    """Create the assignment of every task to every unit its section addresses.

    A group addresses each of its member units. A unit addressed both as lead and as
    support leads. Existing assignments are kept (reports hang on them); returns how many
    were created.
    """
    wanted: dict[tuple[int, int], str] = {}
    addressees = Addressee.objects.filter(section__directive=directive).select_related("group")
    for addressee in addressees.prefetch_related("group__members", "section__tasks"):
        unit_ids = (
            [addressee.unit_id]
            if addressee.unit_id
            else [unit.pk for unit in addressee.group.members.all()]
        )
        for task in addressee.section.tasks.all():
            for unit_id in unit_ids:
                key = (task.pk, unit_id)
                if wanted.get(key) != Role.LEAD:
                    wanted[key] = addressee.role
    existing = set(
        Assignment.objects.filter(task__section__directive=directive).values_list(
            "task_id", "unit_id"
        )
    )
    new = [
        Assignment(task_id=task_id, unit_id=unit_id, role=role)
        for (task_id, unit_id), role in wanted.items()
        if (task_id, unit_id) not in existing
    ]
    Assignment.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def directive_publish(*, directive: Directive) -> None:
    """Put the directive in force and give every task to its units; listeners (the
    reporting periods) follow after commit."""
    directive.status = Directive.Status.ACTIVE
    directive.save(update_fields=["status"])
    assignments_sync(directive=directive)
    transaction.on_commit(lambda: directive_published.send(sender=Directive, directive=directive))
