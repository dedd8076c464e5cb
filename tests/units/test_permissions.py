"""The one permission module: who may see, edit and review which report."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from units.models import Membership
from units.permissions import can, ensure, roles_of

from ..factories import MembershipFactory, ProgressReportFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = ("anonymous", "reporter_a", "reporter_b", "reviewer", "leader")
OVERSEERS = {"reviewer", "leader"}

# Who may do what to unit A's report, by the report's status.
ALLOWED = {
    ("report.view", "draft"): {"reporter_a"},
    ("report.view", "submitted"): {"reporter_a", *OVERSEERS},
    ("report.view", "returned"): {"reporter_a", *OVERSEERS},
    ("report.view", "accepted"): {"reporter_a", *OVERSEERS},
    ("report.edit", "draft"): {"reporter_a"},
    ("report.edit", "submitted"): set(),
    ("report.edit", "returned"): {"reporter_a"},
    ("report.edit", "accepted"): set(),
    # The role and the unit decide; whether the status allows it is the service's to say.
    ("report.review", "draft"): set(),
    ("report.review", "submitted"): {"reviewer"},
    ("report.review", "returned"): {"reviewer"},
    ("report.review", "accepted"): {"reviewer"},
}


@pytest.fixture
def person(request):
    def get(name):
        return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)

    return get


@pytest.fixture
def report_a(small_directive):
    def make(status: str):
        traits = {} if status == "draft" else {status: True}
        return ProgressReportFactory(
            assignment=small_directive.assignment_a, period=small_directive.period, **traits
        )

    return make


@pytest.mark.parametrize("name", PEOPLE)
@pytest.mark.parametrize(("action", "status"), list(ALLOWED))
def test_report_rules(action, status, name, person, report_a):
    report = report_a(status)
    user = person(name)
    allowed = name in ALLOWED[action, status]

    assert can(user, action, report) is allowed
    if allowed:
        ensure(user, action, report)
        return
    # A report the user may not even see is not disclosed: 404, else 403.
    sees_it = name in ALLOWED["report.view", status]
    with pytest.raises(PermissionDenied if sees_it else Http404):
        ensure(user, action, report)


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("anonymous", False),
        ("reporter_a", True),
        ("reporter_b", False),
        ("reviewer", False),
        ("leader", False),
    ],
)
def test_only_the_units_reporter_files_for_its_assignment(name, allowed, person, small_directive):
    user = person(name)

    assert can(user, "assignment.file", small_directive.assignment_a) is allowed
    if not allowed:
        with pytest.raises(Http404):
            ensure(user, "assignment.file", small_directive.assignment_a)


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        ("unit_work.view", {"reporter_a", "reporter_b", "reviewer"}),  # its own board's
        ("dashboard.view", OVERSEERS),
        ("directive.view", {"reporter_a", "reporter_b", *OVERSEERS}),
    ],
)
@pytest.mark.parametrize("name", PEOPLE)
def test_page_rules(action, allowed, name, person):
    user = person(name)

    assert can(user, action) is (name in allowed)
    if name not in allowed:
        with pytest.raises(PermissionDenied):
            ensure(user, action)


def test_a_superuser_reviews_and_leads():
    roles = roles_of(UserFactory(is_superuser=True))

    assert (roles.is_reviewer, roles.is_leadership, roles.is_reporter) == (True, True, False)


def test_an_inactive_user_has_no_roles(reporter_a):
    reporter_a.is_active = False

    assert roles_of(reporter_a).reporter_unit_ids == frozenset()
    assert not can(reporter_a, "unit_work.view")


def test_a_reporter_of_two_units_acts_for_both(reporter_a, unit_b, small_directive):
    MembershipFactory(user=reporter_a, unit=unit_b, role=Membership.Role.REPORTER)

    assert can(reporter_a, "assignment.file", small_directive.assignment_b)
    assert not roles_of(reporter_a).oversees


def test_a_reviewer_never_reviews_its_own_units_report(reviewer, unit_a, report_a):
    MembershipFactory(user=reviewer, unit=unit_a, role=Membership.Role.REPORTER)
    report = report_a("submitted")

    assert can(reviewer, "report.view", report)
    assert not can(reviewer, "report.review", report)


def test_nobody_files_for_a_directive_no_longer_in_force(reporter_a, small_directive):
    small_directive.directive.status = "closed"
    small_directive.directive.save()

    assert not can(reporter_a, "assignment.file", small_directive.assignment_a)


def test_a_draft_directive_is_shown_only_to_overseers(small_directive, reporter_a, reviewer):
    small_directive.directive.status = "draft"

    assert can(reviewer, "directive.view", small_directive.directive)
    with pytest.raises(PermissionDenied):
        ensure(reporter_a, "directive.view", small_directive.directive)


def test_a_reviewer_never_judges_the_unit_it_reviews_from(reviewer, report_a, small_directive):
    """Ban Tuyên giáo reviews, and is itself addressed by the directive (mục 4)."""
    own_unit = reviewer.memberships.get().unit
    small_directive.assignment_a.unit = own_unit
    small_directive.assignment_a.save()
    report = report_a("submitted")

    assert can(reviewer, "report.view", report)
    assert not can(reviewer, "report.review", report)
    assert not can(reviewer, "extension.decide", small_directive.assignment_a)
    assert not can(reviewer, "period.reopen", small_directive.assignment_a)


def test_a_reviewer_never_judges_a_unit_its_own_was_formed_from(
    reviewer, report_a, small_directive
):
    """A rename (or merger) moves the reviewer's membership to the new unit, formed from
    its old one, whose reports it still files: they stay its own, not its to judge."""
    own_unit = reviewer.memberships.get().unit
    small_directive.assignment_a.unit = own_unit
    small_directive.assignment_a.save()
    report = report_a("submitted")
    renamed = UnitFactory(name="Ban Tuyên giáo (tên mới)", parent=own_unit.parent)
    renamed.formed_from.set([own_unit])
    reviewer.memberships.update(unit=renamed)
    reviewer._dondoc_roles = None

    assert can(reviewer, "assignment.file", small_directive.assignment_a)  # still files it
    assert not can(reviewer, "report.review", report)
    assert not can(reviewer, "extension.decide", small_directive.assignment_a)


@pytest.mark.parametrize(
    ("name", "report_status", "allowed"),
    [
        ("reporter_a", None, True),
        ("reporter_a", "draft", True),
        ("reporter_a", "returned", True),
        ("reporter_a", "submitted", False),
        ("reporter_b", None, False),
        ("reviewer", None, True),  # a paper report typed in for the unit
        ("reviewer", "draft", False),  # never over what the unit wrote
        ("reviewer", "returned", False),
        ("leader", None, False),
    ],
)
def test_who_enters_a_report_from_a_spreadsheet(
    name, report_status, allowed, person, report_a, small_directive
):
    report = report_a(report_status) if report_status else None
    slot = (small_directive.assignment_a, report)

    assert can(person(name), "spreadsheet.enter", slot) is allowed
