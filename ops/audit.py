"""The audit log (nhật ký hệ thống): one line per state change and per export.

Services call `audit()` inside their own transaction, so an event exists exactly when
its change was committed. Summaries say who did what to which task, unit and period,
never what a report says: reviewers read the log across units, drafts included.
"""

from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

# Every action code, as the log's filter offers it.
ACTIONS = {
    "report.draft_saved": _("Lưu báo cáo"),
    "report.submitted": _("Gửi báo cáo"),
    "report.accepted": _("Tiếp nhận báo cáo"),
    "report.returned": _("Trả lại báo cáo"),
    "report.revised": _("Sửa báo cáo bị trả lại"),
    "evidence.added": _("Thêm minh chứng"),
    "evidence.removed": _("Xóa minh chứng"),
    "extension.requested": _("Xin gia hạn"),
    "extension.granted": _("Cho gia hạn"),
    "extension.refused": _("Không cho gia hạn"),
    "period.reopened": _("Mở lại kỳ báo cáo"),
    "task.done_confirmed": _("Xác nhận hoàn thành"),
    "assignment.handed_down": _("Giao việc tiếp"),
    "assignment.taken_back": _("Thu hồi việc đã giao tiếp"),
    "directive.published": _("Ban hành văn bản"),
    "directive.changed": _("Sửa văn bản"),
    "export.requested": _("Yêu cầu xuất"),
    "export.made": _("Đã tạo tệp xuất"),
    "export.failed": _("Xuất lỗi"),
    "admin.saved": _("Sửa trong trang quản trị hệ thống"),
    "admin.deleted": _("Xóa trong trang quản trị hệ thống"),
    "unit.created": _("Tạo đơn vị"),
    "unit.changed": _("Sửa đơn vị"),
    "unit.closed": _("Đóng đơn vị"),
    "group.created": _("Tạo nhóm đơn vị"),
    "group.changed": _("Sửa nhóm đơn vị"),
    "account.invited": _("Mời tài khoản"),
    "account.deactivated": _("Khóa tài khoản"),
    "account.activated": _("Mở lại tài khoản"),
    "membership.granted": _("Cấp vai trò"),
    "membership.revoked": _("Thu hồi vai trò"),
    "membership.requested": _("Đề nghị đổi vai trò của chính mình"),
    "membership.request_refused": _("Không duyệt đề nghị đổi vai trò"),
    "signin.succeeded": _("Đăng nhập"),
    "signin.failed": _("Đăng nhập sai"),
    "signin.locked_out": _("Tạm khóa đăng nhập"),
    "signin.signed_out": _("Đăng xuất"),
    "signin.signed_out_everywhere": _("Đăng xuất khỏi mọi thiết bị"),
    "second_factor.added": _("Bật xác thực hai lớp"),
    "second_factor.verified": _("Xác thực hai lớp"),
    "second_factor.failed": _("Mã xác thực hai lớp sai"),
    "second_factor.recovery_used": _("Dùng mã dự phòng"),
    "second_factor.recovery_renewed": _("Tạo mã dự phòng mới"),
    "second_factor.reset": _("Đặt lại xác thực hai lớp"),
    "password.reset_requested": _("Yêu cầu đặt lại mật khẩu"),
    "password.changed": _("Đặt mật khẩu mới"),
    "api_token.failed": _("Mã truy cập API sai"),
    "api_token.throttled": _("Chặn thử mã truy cập API"),
}


def audit(
    *, actor, action: str, obj, summary: str, directive_id=None, unit_id=None, at=None, **data
) -> AuditEvent:
    """Record `action` (e.g. "report.submitted") on `obj` by `actor` (a user or None),
    now or `at` (an event of the past entered now: the demo's history, a paper report).
    `data`: a few JSON-able facts (ids, dates as text), never report text."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # AnonymousUser, from a command or a task
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=getattr(obj, "pk", None),
        directive_id=directive_id,
        unit_id=unit_id,
        summary=str(summary)[:500],
        data=data,
        **({"at": at} if at is not None else {}),
    )
