"""Reads of the reorganisations, for the pages and the API."""

from django.db.models import Q

from accounts.administration.selectors import administered_unit_ids

from .models import Reorganisation


def visible_acts(user):
    """The acts on units the user administers (a reviewer: every act), latest first."""
    acts = Reorganisation.objects.prefetch_related("sources", "results")
    if (ids := administered_unit_ids(user)) is not None:
        acts = acts.filter(Q(sources__in=ids) | Q(results__in=ids)).distinct()
    return acts.order_by("-effective", "-pk")
