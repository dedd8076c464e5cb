"""What the accounts app keeps of its own: a change to one's own roles waiting for a
second administrator (nobody grants themselves a role), and which accounts the directory
owns."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Membership, Unit


class RoleRequest(models.Model):
    """A role to give or take back that waits for a second administrator: one asked for
    on one's own account, or (ROLE_APPROVAL=all) any, invitations included. Whoever
    decides is neither the account nor the one who asked, and may give that role."""

    class Change(models.TextChoices):
        GRANT = "grant", _("Cấp vai trò")
        REVOKE = "revoke", _("Thu hồi vai trò")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        REFUSED = "refused", _("Không duyệt")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="role_requests",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE)
    role = models.CharField(_("vai trò"), max_length=16, choices=Membership.Role.choices)
    change = models.CharField(_("thay đổi"), max_length=8, choices=Change.choices)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("đề nghị lúc"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đề nghị đổi vai trò của chính mình")
        verbose_name_plural = _("đề nghị đổi vai trò của chính mình")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role", "change"],
                condition=models.Q(status="pending"),
                name="one_pending_role_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_change_display()}: {self.user} · {self.unit} · {self.get_role_display()}"

    def asked_by(self, user) -> bool:
        """The account itself, or whoever asked: neither decides."""
        return user.pk in (self.user_id, self.requested_by_id)


class DirectoryAccount(models.Model):
    """An account the directory (LDAP) made and signs in: never one of the app's own, so
    a directory user never takes over an app account of the same name, nor the reverse
    (accounts/directory.DirectoryBackend)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="directory_account",
    )
    dn = models.CharField(_("DN trong thư mục"), max_length=500)

    class Meta:
        verbose_name = _("tài khoản thư mục")
        verbose_name_plural = _("tài khoản thư mục")

    def __str__(self) -> str:
        return self.dn
