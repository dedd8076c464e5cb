from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A side effect (a Celery task) recorded in the transaction of the change it follows,
    handed to the broker after commit, and again by the drain until a worker has done it:
    a report filed while Redis is down still gets its notice once Redis is back."""

    task = models.CharField(_("tác vụ"), max_length=200)
    args = models.JSONField(_("tham số"), default=list)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    queued_at = models.DateTimeField(_("gửi vào hàng đợi lúc"), null=True, blank=True)
    done_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)

    class Meta:
        verbose_name = _("việc chờ gửi")
        verbose_name_plural = _("việc chờ gửi")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(done_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


class AuditLogIsAppendOnly(Exception):
    def __init__(self):
        super().__init__("Nhật ký hệ thống chỉ được ghi thêm, không sửa, không xóa.")


class AuditQuerySet(models.QuerySet):
    """The log is append-only: rows are added, never changed or removed."""

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly

    def delete(self):
        raise AuditLogIsAppendOnly


class AuditEvent(models.Model):
    """One state change or export, who made it and when: what reviewers read to answer
    "who returned this report, and when?". Written in the transaction of the change, so
    a change rolled back leaves no event. On PostgreSQL a trigger refuses UPDATE and
    DELETE as well (migration 0002)."""

    at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("hành động"), max_length=40, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=40)
    object_id = models.BigIntegerField(_("mã đối tượng"), null=True, blank=True)
    directive_id = models.BigIntegerField(_("văn bản"), null=True, blank=True, db_index=True)
    unit_id = models.BigIntegerField(_("đơn vị"), null=True, blank=True, db_index=True)
    summary = models.CharField(_("nội dung"), max_length=500)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.summary}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly
