from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest
from django.template import loader

from portfolio.core.client import client_ip
from portfolio.mail.services import mail_enqueue
from portfolio.people.services.signin import InvalidCredentials, SignInLocked, user_authenticate


class EmailLoginForm(AuthenticationForm):
    """The login page's form: email + password through the sign-in service (with its lockout)."""

    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            request: HttpRequest = self.request  # type: ignore[assignment]
            try:
                self.user_cache = user_authenticate(email=email, password=password, ip=client_ip(request))
            except SignInLocked as exc:
                raise forms.ValidationError(str(exc), code="locked") from exc
            except InvalidCredentials as exc:
                raise forms.ValidationError(str(exc), code="invalid_login") from exc
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, with its email owed in the mail outbox instead of sent in the request: an SMTP
    failure delays the email rather than failing the page. The body (with the reset link) is stored until sent,
    as an invitation's is; the link stops working once the password changes or it expires."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        mail_enqueue(to=to_email, subject=subject, body=body, kind="password_reset", contains_secret=True)
