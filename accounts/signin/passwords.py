"""Setting one's password from an e-mailed link: Django's reset flow, in Vietnamese, for a
forgotten password and for an invitation alike (the link carries Django's token, which
expires after PASSWORD_RESET_TIMEOUT and is spent once the password changes). Each
request and each new password is written to the audit log."""

from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from ..client import account_audit


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        for user in get_user_model().objects.filter(email__iexact=email, is_active=True):
            account_audit(self.request, user, "password.reset_requested", actor=None)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        account_audit(self.request, form.user, "password.changed")
        return response


urlpatterns = [
    path("quen-mat-khau/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "dat-mat-khau/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
