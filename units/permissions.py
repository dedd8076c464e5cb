"""Who may do what: the one place every view (and later the API and exports) asks.

Roles come from Membership rows. A reporter acts for its own units only; reviewers and
leadership read every report that has been sent, never another unit's draft; a reviewer
files its own unit's reports (a reviewing unit has tasks too) and never reviews them. A
task a unit hands down to units below it (giao việc tiếp) is followed by that unit: its
head (and its reporters, where the directive allows them to hand down) read what the
units below sent and judge it.
Objects are read through their own properties (report.is_draft, report.is_editable,
directive.is_in_force), so this module depends on nothing above `units`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import Membership


@dataclass(frozen=True)
class Roles:
    reporter_unit_ids: frozenset[int]  # the units it files for: FILING_ROLES
    is_reviewer: bool
    is_leadership: bool
    # Any role, and the units those were formed from: nobody judges its own unit.
    member_unit_ids: frozenset[int] = frozenset()
    head_unit_ids: frozenset[int] = frozenset()  # lãnh đạo đơn vị
    admin_unit_ids: frozenset[int] = frozenset()  # quản trị đơn vị: the unit and below it
    is_superuser: bool = False

    @property
    def is_reporter(self) -> bool:
        return bool(self.reporter_unit_ids)

    @property
    def staff_unit_ids(self) -> frozenset[int]:
        """The units whose own work the user sees: as a reporter or as its head."""
        return self.reporter_unit_ids | self.head_unit_ids

    @property
    def oversees(self) -> bool:
        """Reads every sent report and every dashboard."""
        return self.is_reviewer or self.is_leadership

    @property
    def administers(self) -> bool:
        """Opens the administration pages: reviewers for every unit, a unit's
        administrator for its unit and those below it."""
        return self.is_reviewer or bool(self.admin_unit_ids)


# Who files a unit's own reports: its reporters, and its reviewers (Ban Tuyên giáo reviews
# the other units and has tasks of its own; someone not of it judges those).
FILING_ROLES = frozenset({Membership.Role.REPORTER, Membership.Role.REVIEWER})

NO_ROLES = Roles(frozenset(), False, False, frozenset())


def roles_of(user) -> Roles:
    """The user's roles, read once per request and kept on the user object."""
    if not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached = getattr(user, "_dondoc_roles", None)
    if cached is not None:
        return cached
    # With each unit, those it was formed from (a reorganisation): its staff file what
    # they still owe (a period that straddles the act). One query, joined.
    rows = list(
        Membership.objects.filter(user=user).values_list("unit_id", "role", "unit__formed_from")
    )
    filing = {u for u, r, _ in rows if r in FILING_ROLES}
    roles = Roles(
        reporter_unit_ids=frozenset(
            filing | {old for _, r, old in rows if r in FILING_ROLES and old}
        ),
        is_reviewer=user.is_superuser or any(r == Membership.Role.REVIEWER for _, r, _ in rows),
        is_leadership=user.is_superuser or any(r == Membership.Role.LEADERSHIP for _, r, _ in rows),
        member_unit_ids=frozenset({u for u, _, _ in rows} | {old for _, _, old in rows if old}),
        head_unit_ids=frozenset(u for u, r, _ in rows if r == Membership.Role.UNIT_HEAD),
        admin_unit_ids=frozenset(u for u, r, _ in rows if r == Membership.Role.UNIT_ADMIN),
        is_superuser=user.is_superuser,
    )
    user._dondoc_roles = roles
    return roles


def filing_unit_ids(user) -> frozenset[int]:
    """The units the user files reports for: where it reports (or reviews), and the units
    those were formed from, for what they still owe."""
    return roles_of(user).reporter_unit_ids


def _own_unit(user, unit_id: int) -> bool:
    return unit_id in filing_unit_ids(user)


def _file(user, assignment) -> bool:
    return _own_unit(user, assignment.unit_id) and assignment.task.section.directive.is_in_force


def _handing_unit_ids(user, directive) -> frozenset[int]:
    """The units whose tasks of this directive the user hands down: where it is the head,
    and where it reports if the directive lets reporters hand tasks down."""
    roles = roles_of(user)
    if directive.reporters_hand_down:
        return roles.head_unit_ids | roles.reporter_unit_ids
    return roles.head_unit_ids


def _hands_down(user, assignment) -> bool:
    """Gives this task to units below its unit. (Objects read through their own
    attributes: this module depends on nothing above `units`.)"""
    directive = assignment.task.section.directive
    return directive.is_in_force and assignment.unit_id in _handing_unit_ids(user, directive)


def _follows(user, assignment) -> bool:
    """Follows a task handed down to this unit: may hand down the assignment above it."""
    return assignment.parent_id is not None and _hands_down(user, assignment.parent)


def _sees_work_of(user, assignment) -> bool:
    """The unit's own staff (reporters, head), overseers, and the unit that handed the
    task down."""
    roles = roles_of(user)
    if assignment.unit_id in roles.staff_unit_ids or roles.oversees:
        return True
    return assignment.parent_id is not None and (assignment.parent.unit_id in roles.staff_unit_ids)


def _view_report(user, report) -> bool:
    if _own_unit(user, report.assignment.unit_id):
        return True
    if report.is_draft:
        return False
    return roles_of(user).oversees or _sees_work_of(user, report.assignment)


def _edit_report(user, report) -> bool:
    return report.is_editable and _file(user, report.assignment)


def _judges(user, unit_id: int) -> bool:
    """A reviewer, and not of the unit concerned (under any role)."""
    roles = roles_of(user)
    return roles.is_reviewer and unit_id not in roles.member_unit_ids


def _decide(user, assignment) -> bool:
    """Reviews, confirms, extends and reopens for this unit's task: a reviewer, for
    another unit than its own; for a task handed down, the unit that handed it down,
    never through someone of the unit below."""
    if assignment.parent_id is not None:
        own = assignment.unit_id in roles_of(user).member_unit_ids
        return not own and _follows(user, assignment)
    return _judges(user, assignment.unit_id)


def _reopen(user, assignment) -> bool:
    """Reopens a locked period for this assignment's unit: as `_decide`; and since a
    reopening holds for every task of the unit in the period, the unit above only when
    it handed down all the unit's work in the directive (else the reviewers reopen)."""
    if not _decide(user, assignment):
        return False
    if assignment.parent_id is None:
        return True
    directive = assignment.task.section.directive
    given = assignment.unit.assignments.filter(task__section__directive_id=directive.pk)
    # Any not handed down from the user's units, one given directly included: not its own.
    return not given.exclude(parent__unit_id__in=_handing_unit_ids(user, directive)).exists()


def _review_report(user, report) -> bool:
    """Whether the status allows it is the service's to say, with a clear message."""
    return not report.is_draft and _decide(user, report.assignment)


def _comment(user, report) -> bool:
    """The unit and those who judge its report talk on it; leadership reads along."""
    return _view_report(user, report) and (
        _own_unit(user, report.assignment.unit_id)
        or roles_of(user).is_reviewer
        or _decide(user, report.assignment)
    )


def _enter(user, slot) -> bool:
    """Writing a report's text from a spreadsheet. slot: (assignment, report or None).
    The unit enters its own; a reviewer enters for another unit only where that unit has
    no report at all (a paper report typed in), never over what the unit wrote."""
    assignment, report = slot
    if report is not None and not report.is_editable:
        return False
    if _file(user, assignment):
        return True
    return (
        report is None
        and _decide(user, assignment)
        and assignment.task.section.directive.is_in_force
    )


def _view_directive(user, directive=None) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return directive is None or directive.is_published or roles_of(user).oversees


def _review_letter_file(user, letter_file) -> bool:
    """A letter uploaded to be read, and the page images of its reading, while the
    reading is reviewed: the reviewer who uploaded it, nobody else."""
    return (
        letter_file.directive_id is None
        and user.is_authenticated
        and user.is_active
        and letter_file.uploaded_by_id == user.pk
        and roles_of(user).is_reviewer
    )


def _view_letter_file(user, letter_file) -> bool:
    """The file a directive was read from: while the reading is reviewed, its uploader;
    saved with the directive, whoever may open the directive."""
    if letter_file.directive_id is None:
        return _review_letter_file(user, letter_file)
    return _view_directive(user, letter_file.directive)


# Administration (quản trị): units, groups, accounts, roles ---------------------------

# Roles that reach across every unit: only a reviewer (or a superuser) gives them.
WIDE_ROLES = frozenset({Membership.Role.REVIEWER, Membership.Role.LEADERSHIP})


def _in_admin_scope(user, unit) -> bool:
    """The unit is one the user administers: any, for a reviewer; for a unit's
    administrator, that unit or one below it (walked up the tree, a query a level)."""
    roles = roles_of(user)
    if roles.is_reviewer:
        return True
    seen = set()
    while unit is not None and unit.pk not in seen:
        if unit.pk in roles.admin_unit_ids:
            return True
        seen.add(unit.pk)
        unit = unit.parent
    return False


def _administer_unit(user, unit=None) -> bool:
    """unit None: the administration pages; a unit: change it, or add a unit below it."""
    if not roles_of(user).administers:
        return False
    return unit is None or _in_admin_scope(user, unit)


def _place_unit(user, parent=None) -> bool:
    """A unit may stand below `parent`: one the user administers; at the top of the tree
    (parent None), only a reviewer's."""
    if parent is None:
        return roles_of(user).is_reviewer
    return _administer_unit(user, parent)


def _reorganise(user, act) -> bool:
    """act: what a reorganisation closes (`sources`, units), where it puts units (`places`,
    parents: of the units it opens, or of the units below one dissolved) and whose
    accounts it deactivates or reactivates (`accounts_ended`): every unit it closes is the
    user's to administer, every unit it puts stands where the user may place one, and
    every such account is one the user may administer."""
    return (
        all(_administer_unit(user, unit) for unit in act.sources)
        and all(_place_unit(user, parent) for parent in act.places)
        and all(_administer_account(user, account) for account in act.accounts_ended)
    )


def _grant(user, grant) -> bool:
    """grant: (unit, role). Wide roles from a reviewer; a unit's roles from whoever
    administers the unit. Whether the account is one's own is the service's to say: it
    then asks a second administrator."""
    unit, role = grant
    if role in WIDE_ROLES and not roles_of(user).is_reviewer:
        return False
    return _administer_unit(user, unit)


def _administer_account(user, account) -> bool:
    """Deactivate, reset a second factor, give roles: never one's own account (that is
    the account's own page), never a superuser's; a unit's administrator only for accounts
    whose every role is in its units, none of them wide."""
    if not roles_of(user).administers or account.pk == user.pk:
        return False
    if account.is_superuser:
        return roles_of(user).is_superuser
    if roles_of(user).is_reviewer:
        return True
    held = list(account.memberships.select_related("unit__parent"))
    return bool(held) and all(_grant(user, (m.unit, m.role)) for m in held)


RULES: dict[str, Callable[..., bool]] = {
    "unit_work.view": lambda user, obj=None: bool(roles_of(user).staff_unit_ids),
    "assignment.file": _file,
    "assignment.hand_down": _hands_down,
    "deadline.view": _sees_work_of,  # obj: the assignment
    "report.view": _view_report,
    "report.edit": _edit_report,
    "report.review": _review_report,
    "report.comment": _comment,
    "evidence.view": _view_report,  # obj: the report the file belongs to
    "evidence.change": _edit_report,  # add or remove files while the report is editable
    "extension.request": _file,  # obj: the assignment
    "assignment.judge": _decide,  # confirm or return what the unit sends on it
    "extension.decide": _decide,  # obj: the assignment
    "period.reopen": _reopen,  # obj: the assignment of the unit to reopen for
    "review.queue": lambda user, obj=None: roles_of(user).is_reviewer,
    "spreadsheet.own": lambda user, obj=None: roles_of(user).is_reporter,
    "spreadsheet.enter": _enter,
    "spreadsheet.all": lambda user, obj=None: roles_of(user).is_reviewer,
    "directive.view": _view_directive,
    "letter_file.view": _view_letter_file,  # obj: the LetterFile
    "letter_file.pages": _review_letter_file,  # its page images, for the review only
    "dashboard.view": lambda user, obj=None: roles_of(user).oversees,
    # Summary reports: reviewers (the secretaries among them) draft and export them;
    # leadership reads the history and downloads the files.
    "summary.edit": lambda user, obj=None: roles_of(user).is_reviewer,
    # Directives: reviewers enter them (the editor, or from the letter) and publish them.
    "directive.edit": lambda user, obj=None: roles_of(user).is_reviewer,
    # Everyone signed in keeps their own account safe: second factor, sessions.
    "account.own": lambda user, obj=None: user.is_authenticated and user.is_active,
    # Everyone signed in makes and revokes their own API tokens (obj: the token).
    "api_token.manage": lambda user, obj=None: (
        user.is_active and (obj is None or obj.user_id == user.pk)
    ),
    "export.view": lambda user, obj=None: roles_of(user).oversees,
    # The audit log (nhật ký hệ thống) names every unit's actions, drafts included.
    "audit.view": lambda user, obj=None: roles_of(user).is_reviewer,
    "unit.administer": _administer_unit,  # obj: the unit, or none for the pages
    "unit.place": _place_unit,  # obj: the unit above (none: the top of the tree)
    "unit.reorganise": _reorganise,  # obj: a reorganisation's plan, or the act undone
    "group.administer": lambda user, obj=None: roles_of(user).is_reviewer,  # groups span units
    "membership.grant": _grant,  # obj: (unit, role)
    "account.administer": _administer_account,  # obj: the account (a user)
}


def visible_directives(user, queryset):
    """Directives the user may open: overseers see drafts too."""
    return queryset if roles_of(user).oversees else queryset.published()


def visible_reports(user, queryset):
    """The progress reports the user may read ("report.view" as a filter): its own units'
    in any state; every sent one for reviewers and leadership; never another unit's
    draft. (Status named by value: this module depends on nothing above `units`.)"""
    roles = roles_of(user)
    visible = Q(assignment__unit_id__in=roles.reporter_unit_ids)
    if roles.oversees:
        visible |= ~Q(status="draft")
    elif roles.staff_unit_ids:  # a head's own unit; what units below sent on a task handed down
        visible |= ~Q(status="draft") & (
            Q(assignment__unit_id__in=roles.head_unit_ids)
            | Q(assignment__parent__unit_id__in=roles.staff_unit_ids)
        )
    return queryset.filter(visible)


def can(user, action: str, obj=None) -> bool:
    return RULES[action](user, obj) if obj is not None else RULES[action](user)


def ensure(user, action: str, obj=None) -> None:
    """Raise unless allowed. A report the user may not even see is a 404: its existence
    is not disclosed."""
    if can(user, action, obj):
        return
    if action.startswith(("report.", "evidence.")) and can(user, "report.view", obj):
        raise PermissionDenied
    if action == "assignment.hand_down" and _sees_work_of(user, obj):
        raise PermissionDenied
    if action.startswith(("report.", "assignment.", "evidence.", "deadline.", "letter_file.")):
        raise Http404
    raise PermissionDenied


def requires(action: str):
    """View decorator for actions that need no object: login first, then the rule."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            ensure(request.user, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
