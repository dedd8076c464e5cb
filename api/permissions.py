"""The API asks units.permissions, as the pages do: one bridge class, no rule of its own.

Each view names the rule of each action: `rules` for what needs no object (listing,
creating), `object_rules` for what is done to one object (reading, editing, reviewing).
`ensure` decides the answer: a report the user may not see is a 404 (its existence is not
disclosed), a forbidden action on one it sees is a 403, as on the pages.
"""

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import BasePermission

from units.permissions import ensure

SIGNED_IN = ""  # a rule name for actions any signed-in, active user may take


class Rules(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False  # DRF answers 401: the token scheme names itself
        if view.action is None:
            return True  # a method the view does not take: DRF answers 405
        rule = _rule(view, "rules", view.action)
        if rule is not None and rule != SIGNED_IN:
            ensure(user, rule)
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        rule = _rule(view, "object_rules", view.action)
        if rule is not None and rule != SIGNED_IN:
            ensure(request.user, rule, obj)
        return True


def _rule(view, kind: str, action: str) -> str | None:
    rules = getattr(view, kind, {})
    if action in rules:
        return rules[action]
    if kind == "rules" and action != "metadata":
        raise ImproperlyConfigured(f"{type(view).__name__}.{action}: no rule named")
    return None
