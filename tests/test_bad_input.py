"""Random data posted to every form, as the person who may use it: never a server error,
and a refused post writes nothing. (Hypothesis: text of any kind, NUL bytes included,
numbers, dates that do not exist, very long values, missing fields.)"""

import pytest
from django.apps import apps
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.summaries.compose import summary_compose

from .conftest import login

pytestmark = pytest.mark.django_db

VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=5),
    st.just("\x00"),
    st.just("a" * 5000),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["31/02/2021", "2021-13-45", "0", "-1", "1e309", "NaN", "", " "]),
)

FORMS = {
    # name: (persona, the fields it posts, url from the world)
    "report form": (
        "reporter_a",
        ["assessment", "percent_done", "achievements", "difficulties", "proposals", "version"],
        lambda w: reverse("reports:file", args=[w.assignment_a.pk, w.period.pk]),
    ),
    "return": ("reviewer", ["reason"], lambda w: reverse("reports:return", args=[w.report.pk])),
    "comment": (
        "reviewer",
        ["text", "body", "message"],
        lambda w: reverse("reports:comment_add", args=[w.report.pk]),
    ),
    "extension request": (
        "reporter_a",
        ["new_due", "reason"],
        lambda w: reverse("reports:request_extension", args=[w.assignment_a.pk, w.period.pk]),
    ),
    "summary start": (
        "reviewer",
        ["period_from", "period_to"],
        lambda w: reverse("reports:summary_list", args=[w.directive.pk]),
    ),
    "summary edit": (
        "reviewer",
        ["number", "dated", "subject", "results", "margin_left", "version", "action"],
        lambda w: reverse("reports:summary", args=[w.summary.pk]),
    ),
    "directive import": ("reviewer", ["text"], lambda w: reverse("directives:import")),
    "directive import save": (
        "reviewer",
        ["number", "doc_type", "issued_on", "issuer", "subject", "muc-TOTAL_FORMS"],
        lambda w: reverse("directives:import_save"),
    ),
    "directive edit": (
        "reviewer",
        ["number", "doc_type", "issued_on", "issuer", "subject", "schedule", "lock_days"],
        lambda w: reverse("directives:edit", args=[w.directive.pk]),
    ),
    "section add": (
        "reviewer",
        ["number", "heading", "intro"],
        lambda w: reverse("directives:section_add", args=[w.directive.pk]),
    ),
    "task add": (
        "reviewer",
        ["text"],
        lambda w: reverse("directives:task_add", args=[w.section.pk]),
    ),
    "indicator add": (
        "reviewer",
        ["name", "unit_of_measure", "aggregation", "required"],
        lambda w: reverse("directives:indicator_add", args=[w.task.pk]),
    ),
    "api token": ("reporter_a", ["name"], lambda w: reverse("api:tokens")),
}
# How a form says it saved: a redirect, except the token page, which shows the key once.
SAVED = {"api token": lambda response: b'id="new-key"' in response.content}


class World:
    def __init__(self, small_directive, submitted_a, reviewer):
        self.directive = small_directive.directive
        self.section = small_directive.section
        self.task = small_directive.task
        self.period = small_directive.period
        self.assignment_a = small_directive.assignment_a
        self.report = submitted_a
        self.summary = summary_compose(
            directive=self.directive, period_from=self.period, period_to=self.period
        )
        self.summary.save()


def _counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.mark.parametrize("form", FORMS)
def test_random_input_never_breaks_a_form(form, small_directive, submitted_a, request):
    persona, fields, url_of = FORMS[form]
    world = World(small_directive, submitted_a, request.getfixturevalue("reviewer"))
    client = login(request.getfixturevalue(persona))
    url = url_of(world)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries({}, optional={name: VALUES for name in fields}))
    def post(data):
        before = _counts()
        response = client.post(url, data)
        assert response.status_code < 500, (form, data)
        saved = SAVED.get(form, lambda response: response.status_code == 302)
        if not saved(response):  # refused or re-rendered: nothing was written
            assert _counts() == before, (form, data)

    post()
