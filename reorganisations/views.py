"""The unit administrator's pages: the acts, a new act (entered, previewed, applied),
one act with its undo."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from units.forms import add_validation_error
from units.permissions import can, requires
from units.text import whole_number

from . import plans
from .forms import ActForm
from .selectors import visible_acts
from .services import act_scope, reorganisation_apply, reorganisation_undo, undoable

BEYOND_SCOPE = gettext_lazy(
    "Sắp xếp này vượt quá phạm vi bạn quản lý: nó đặt đơn vị vào nơi bạn không quản lý "
    "(các đơn vị cấp dưới của đơn vị giải thể chuyển lên đơn vị cấp trên của nó), hoặc khóa "
    "tài khoản bạn không được khóa (lãnh đạo, chuyên viên theo dõi, tài khoản của chính "
    "bạn). Hãy chọn cách khác, hoặc đề nghị cấp trên thực hiện."
)


@requires("unit.administer")
def act_list(request):
    page = Paginator(visible_acts(request.user), 50).get_page(request.GET.get("trang"))
    return render(request, "reorganisations/act_list.html", {"page": page, "tab": "acts"})


@requires("unit.administer")
def act_new(request):
    """Entered, then previewed ("Xem trước"), then applied ("Áp dụng") with the same
    fields: nothing changes before the preview has been seen."""
    initial = {"kind": request.GET.get("kieu")}
    if (unit := whole_number(request.GET.get("don_vi"))) is not None:
        initial["sources"] = [unit]  # from a unit's page: that unit chosen
    form = ActForm(request.POST or None, admin=request.user, initial=initial)
    seen = None
    plan = form.plan() if request.method == "POST" and form.is_valid() else None
    # The form offers only the user's units; what the act moves or ends may reach beyond.
    if plan is not None and not can(request.user, "unit.reorganise", plan):
        form.add_error(None, BEYOND_SCOPE)
        plan = None
    if plan is not None:
        seen = plans.preview(plan)
        for problem in seen.problems:
            form.add_error(None, problem)
        if seen.ok and "ap_dung" in request.POST:
            try:
                act = reorganisation_apply(by=request.user, plan=plan)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("Đã áp dụng: %(act)s.") % {"act": act})
                return redirect("reorganisations:act", act.pk)
    context = {"form": form, "preview": seen, "tab": "acts"}
    return render(request, "reorganisations/act_form.html", context)


@requires("unit.administer")
def act_detail(request, act_id: int):
    act = get_object_or_404(visible_acts(request.user), pk=act_id)
    scope = act_scope(act)
    may_undo = can(request.user, "unit.reorganise", scope)
    context = {
        "act": act,
        "sources": scope.sources,
        "results": scope.results,
        "why_not": undoable(act) if may_undo else "",
        "may_undo": may_undo,
        "journal": {name: len(rows) for name, rows in act.journal.items()},
        "tab": "acts",
    }
    return render(request, "reorganisations/act_detail.html", context)


@require_POST
@requires("unit.administer")
def act_undo(request, act_id: int):
    act = get_object_or_404(visible_acts(request.user), pk=act_id)
    try:
        reorganisation_undo(by=request.user, act=act)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã hoàn tác: %(act)s.") % {"act": act})
    return redirect("reorganisations:act", act.pk)
