from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest

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
                self.user_cache = user_authenticate(request=request, email=email, password=password)
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
