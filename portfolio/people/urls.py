from django.contrib.auth import views as auth_views
from django.urls import path

from portfolio.people import admin_views, views
from portfolio.people.forms import EmailLoginForm, OutboxPasswordResetForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailLoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/invitations/<str:token>/", views.invitation_accept_page, name="invitation-accept"),
    path("apprenticeships/", views.apprenticeship_list, name="apprenticeship-list-page"),
    path("apprenticeships/<uuid:public_id>/", views.apprenticeship_detail, name="apprenticeship-detail-page"),
    # The provider admin's pages (portfolio/people/admin_views.py).
    path("apprenticeships/new/", admin_views.apprenticeship_create_page, name="apprenticeship-create-page"),
    path(
        "apprenticeships/<uuid:public_id>/edit/", admin_views.apprenticeship_edit_page, name="apprenticeship-edit-page"
    ),
    path(
        "apprenticeships/<uuid:public_id>/breaks/",
        admin_views.apprenticeship_breaks_page,
        name="apprenticeship-breaks-page",
    ),
    path("people/", admin_views.membership_list_page, name="membership-list-page"),
    path(
        "people/memberships/<uuid:public_id>/deactivate/",
        admin_views.membership_deactivate_page,
        name="membership-deactivate-page",
    ),
    path("people/invitations/", admin_views.invitation_list_page, name="invitation-list-page"),
    path("people/invitations/new/", admin_views.invitation_create_page, name="invitation-create-page"),
    path(
        "people/invitations/<uuid:public_id>/revoke/",
        admin_views.invitation_revoke_page,
        name="invitation-revoke-page",
    ),
]
