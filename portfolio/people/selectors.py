"""Reads scoped to the user. Every object fetch for a person goes through here.

A record the user may not see raises Http404, exactly as a missing one does: the caller cannot tell them
apart, so neither can whoever is probing ids.
Who sees what: an apprentice, their own apprenticeships; an employer contact, their employer's; provider
staff, their provider's (and the employers it manages). Superusers see everything. Inactive memberships
grant nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from portfolio.core.compiled import CompiledQuery
from portfolio.people.models import Apprenticeship, Invitation, Membership, Organisation, User


def _organisation_ids(user: Any, roles: Iterable[str]) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(user=user, is_active=True, role__in=roles).values("organisation_id")


def user_organisation_ids(*, user: Any, roles: Iterable[str]) -> QuerySet[Any, Any]:
    """The organisations where the user holds one of `roles` in an active membership (a subquery)."""
    return _organisation_ids(user, roles)


@dataclass(frozen=True)
class HeldOrganisations:
    """The organisations where a user holds each role in an active membership, read once for a page that scopes
    several reads by them. The reads take the ids as plain lists: the same rows as the `user_organisation_ids`
    subquery, which PostgreSQL plans again in every statement that repeats it (often longer than it runs)."""

    by_role: Mapping[str, frozenset[int]] = field(default_factory=dict)

    def ids(self, roles: Iterable[str]) -> list[int]:
        """The organisations where the user holds any of `roles`, sorted (a stable statement text)."""
        return sorted({pk for role in roles for pk in self.by_role.get(role, ())})


# Compiled once per process (portfolio/core/compiled.py): the start pages and the cohort read it on every request.
_HELD = CompiledQuery(
    lambda user_id: (
        Membership.objects.filter(user_id=user_id, is_active=True).order_by().values_list("role", "organisation_id")
    ),
    user_id=-7_000_000_601,
)


def user_held_organisations(*, user: Any) -> HeldOrganisations:
    """The user's active memberships by role (no one's for an anonymous or inactive user); one query."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return HeldOrganisations()
    found: dict[str, set[int]] = {}
    for role, organisation_id in _HELD.rows(user_id=user.pk):
        found.setdefault(role, set()).add(organisation_id)
    return HeldOrganisations(by_role={role: frozenset(ids) for role, ids in found.items()})


def _roles_at(user_id: Any, organisation_ids: list[int], roles: Iterable[str] | None) -> QuerySet[Membership, Any]:
    memberships = Membership.objects.filter(user_id=user_id, is_active=True, organisation_id__in=organisation_ids)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships.order_by().values_list("role")


# At one organisation (a reviewer's check on every decision, a page's role check), the read is compiled once per
# process for each set of roles asked for: building it cost more CPU than PostgreSQL spends running it.
_ROLES_AT_ONE: dict[tuple[str, ...] | None, CompiledQuery] = {}


def user_roles_at(*, user: Any, organisation_ids: Iterable[int], roles: Iterable[str] | None = None) -> set[str]:
    """The roles the user holds in active memberships at these organisations (only `roles`, if given)."""
    ids, wanted = list(organisation_ids), None if roles is None else tuple(sorted(set(roles)))
    if not ids or wanted == ():
        return set()
    if len(ids) != 1:
        return {role for (role,) in _roles_at(user.pk, ids, wanted)}
    query = _ROLES_AT_ONE.get(wanted)
    if query is None:
        query = _ROLES_AT_ONE.setdefault(
            wanted,
            CompiledQuery(
                lambda user_id, organisation_id: _roles_at(user_id, [organisation_id], wanted),
                user_id=-7_000_000_431,
                organisation_id=-7_000_000_432,
            ),
        )
    return {role for (role,) in query.rows(user_id=user.pk, organisation_id=ids[0])}


def organisation_members(*, organisation_id: int, roles: Iterable[str]) -> list[User]:
    """Everyone holding one of `roles` at the organisation in an active membership, each once, oldest account
    first."""
    return list(
        User.objects.filter(
            memberships__organisation_id=organisation_id, memberships__role__in=roles, memberships__is_active=True
        )
        .distinct()
        .order_by("pk")
    )


def user_is_provider_admin(*, user: Any) -> bool:
    """True for a signed-in superuser or anyone with an active provider-admin membership."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, is_active=True, role=Membership.Role.PROVIDER_ADMIN, organisation__kind="provider"
    ).exists()


def user_is_admin_of(*, user: Any, provider: Organisation) -> bool:
    """True when the user may administer this provider (and the employers it manages)."""
    if user.is_superuser:
        return True
    provider_id = provider.pk if provider.is_provider else provider.provider_id
    if provider_id is None:
        return False
    return Membership.objects.filter(
        user=user, is_active=True, role=Membership.Role.PROVIDER_ADMIN, organisation_id=provider_id
    ).exists()


def user_provider_ids(*, user: Any, roles: frozenset[str] = Membership.PROVIDER_ROLES) -> QuerySet[Any, Any]:
    return _organisation_ids(user, roles)


def user_assessment_organisation_ids(*, user: Any) -> QuerySet[Any, Any]:
    """The assessment organisations where the user is an active end-point assessor."""
    return _organisation_ids(user, Membership.ASSESSMENT_ORGANISATION_ROLES)


def user_employer_ids(*, user: Any) -> QuerySet[Any, Any]:
    """The employers where the user is an active employer contact (line manager or mentor)."""
    return _organisation_ids(user, Membership.EMPLOYER_ROLES)


# The roles (`user_roles`) that open apprenticeships besides one's own: an employer contact's and provider staff's.
SEES_OTHERS_ROLES = frozenset({"employer", "provider"})


def apprenticeship_list_for_user(*, user: Any, roles: frozenset[str] | None = None) -> QuerySet[Apprenticeship]:
    """`roles`: the user's roles (`request_user_roles`), when the caller has read them. Without an employer's or a
    provider's, the user sees their own apprenticeships alone, and the query says so: the same rows as through
    the membership subqueries, which PostgreSQL took longer to plan than to run (the apprentices' pages)."""
    queryset = Apprenticeship.objects.select_related(
        "apprentice",
        "provider",
        "employer",
        "standard",
        "option",
        "tutor",
        "assessor",
        "line_manager",
        "mentor",
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    if roles is not None and not roles & SEES_OTHERS_ROLES:
        return queryset.filter(apprentice=user)
    # Subqueries, not joins through memberships: a person with two roles must not see rows twice.
    return queryset.filter(
        Q(apprentice=user)
        | Q(employer_id__in=_organisation_ids(user, Membership.EMPLOYER_ROLES))
        | Q(provider_id__in=_organisation_ids(user, Membership.PROVIDER_ROLES))
    )


def apprenticeship_get_for_user(
    *,
    user: Any,
    public_id: uuid.UUID | str,
    related: tuple[str, ...] | None = None,
    roles: frozenset[str] | None = None,
) -> Apprenticeship:
    """`related`: only these relations joined (a page that shows a few of them): PostgreSQL plans a join of all
    nine in about as long as it takes to run the rest of a page's queries. `roles`: see `apprenticeship_list_for_user`.
    """
    if getattr(user, "is_authenticated", False) and user.is_active and not user.is_superuser:
        # Every page of one apprenticeship reads it: compiled once per process for each set of relations and scope.
        own = roles is not None and not roles & SEES_OTHERS_ROLES
        key = (related, own)
        compiled = _APPRENTICESHIP.get(key)
        if compiled is None:
            compiled = _APPRENTICESHIP.setdefault(key, _compiled_apprenticeship(related, own))
        try:
            found = compiled.objects(user_id=user.pk, public_id=public_id)
        except (ValueError, ValidationError) as exc:  # not a UUID at all: "not found", as `_get` says
            raise Http404("Not found.") from exc
        if not found:
            raise Http404("Not found.")
        return found[0]  # type: ignore[return-value]  # the query's model
    queryset = _apprenticeships(user, related, roles)
    return _get(queryset, public_id)


def _apprenticeships(
    user: Any, related: tuple[str, ...] | None, roles: frozenset[str] | None
) -> QuerySet[Apprenticeship]:
    queryset = apprenticeship_list_for_user(user=user, roles=roles)
    if related is not None:
        queryset = queryset.select_related(None).select_related(*related)
    return queryset


def _compiled_apprenticeship(related: tuple[str, ...] | None, own: bool) -> CompiledQuery:
    """`apprenticeship_get_for_user`'s query for someone who is no superuser: their own apprenticeships alone
    (`own`: they hold neither an employer's nor a provider's role), or every one their memberships let them see."""

    def build(user_id: int, public_id: uuid.UUID) -> QuerySet[Apprenticeship]:
        person = User(pk=user_id, is_active=True, is_superuser=False)
        roles = frozenset({"apprentice"}) if own else None
        return _apprenticeships(person, related, roles).filter(public_id=public_id)

    return CompiledQuery(
        build,
        fields={"public_id": Apprenticeship._meta.get_field("public_id")},
        user_id=-7_000_000_602,
        public_id=uuid.UUID("00000000-0000-4000-8000-000000000602"),
    )


_APPRENTICESHIP: dict[tuple[tuple[str, ...] | None, bool], CompiledQuery] = {}


def organisation_list_for_user(*, user: Any) -> QuerySet[Organisation]:
    queryset = Organisation.objects.select_related("provider")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    provider_ids = _organisation_ids(user, Membership.PROVIDER_ROLES)
    employer_ids = _organisation_ids(user, Membership.EMPLOYER_ROLES)
    own = Apprenticeship.objects.filter(apprentice=user)
    return queryset.filter(
        Q(pk__in=_organisation_ids(user, Membership.ASSESSMENT_ORGANISATION_ROLES))  # an AO's own record only
        | Q(pk__in=provider_ids)
        | Q(provider_id__in=provider_ids)  # the employers a provider manages
        | Q(pk__in=employer_ids)
        | Q(employers__in=employer_ids)  # an employer contact sees the provider that manages their employer
        | Q(pk__in=own.values("provider_id"))
        | Q(pk__in=own.values("employer_id"))
    ).distinct()


def organisation_get_for_user(*, user: Any, public_id: uuid.UUID | str) -> Organisation:
    return _get(organisation_list_for_user(user=user), public_id)


def membership_list_for_user(*, user: Any) -> QuerySet[Membership]:
    queryset = Membership.objects.select_related("user", "organisation")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    provider_ids = _organisation_ids(user, Membership.PROVIDER_ROLES)
    employer_ids = _organisation_ids(user, Membership.EMPLOYER_ROLES)
    return queryset.filter(
        Q(user=user)
        | Q(organisation_id__in=provider_ids)
        | Q(organisation__provider_id__in=provider_ids)
        | Q(organisation_id__in=employer_ids)
    )


def membership_get_for_user(*, user: Any, public_id: uuid.UUID | str) -> Membership:
    return _get(membership_list_for_user(user=user), public_id)


def invitation_list_for_user(*, user: Any) -> QuerySet[Invitation]:
    """Invitations are managed by the admins of the provider that sent them; nobody else lists them."""
    queryset = Invitation.objects.select_related("organisation", "apprenticeship", "provider", "created_by")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(provider_id__in=_organisation_ids(user, frozenset({Membership.Role.PROVIDER_ADMIN})))


def invitation_get_for_user(*, user: Any, public_id: uuid.UUID | str) -> Invitation:
    return _get(invitation_list_for_user(user=user), public_id)


def _get(queryset: QuerySet[Any], public_id: uuid.UUID | str) -> Any:
    try:
        return queryset.get(public_id=public_id)
    except (queryset.model.DoesNotExist, ValueError, ValidationError) as exc:
        # ValueError/ValidationError: not a UUID at all. Still "not found", never a 500 or another message.
        raise Http404("Not found.") from exc


def user_list_for_user(*, user: Any) -> QuerySet[User]:
    """People this user may name (to assign a tutor, say): members of the organisations they see, the
    apprentices of the apprenticeships they see, and themselves."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    organisations = organisation_list_for_user(user=user).values("pk")
    return User.objects.filter(
        Q(pk=user.pk)
        | Q(pk__in=Membership.objects.filter(organisation__in=organisations).values("user_id"))
        | Q(pk__in=apprenticeship_list_for_user(user=user).values("apprentice_id"))
    )


# What `user_roles` reads, in one statement: the person's active membership roles, and a row naming no role when
# they hold an apprenticeship. Every page's header (and the pages that check a role) reads it, so it is written
# once here rather than built by the ORM: building the ORM's two queries cost ~10x the CPU of running this one.
_ROLES_SQL = (
    "SELECT role FROM {membership} WHERE user_id = %s AND is_active = %s"
    " UNION ALL SELECT NULL WHERE EXISTS (SELECT 1 FROM {apprenticeship} WHERE apprentice_id = %s)"
)


def _roles_sql() -> str:
    quote = connection.ops.quote_name
    return _ROLES_SQL.format(
        membership=quote(Membership._meta.db_table), apprenticeship=quote(Apprenticeship._meta.db_table)
    )


def user_roles(*, user: Any) -> frozenset[str]:
    """The kinds of access a person has, for navigation: "apprentice", "employer", "provider", "reviewer"
    (an assessor or tutor, who accepts evidence), "provider_admin", "assessment_organisation"."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    with connection.cursor() as cursor:
        cursor.execute(_roles_sql(), [user.pk, True, user.pk])
        rows = [row[0] for row in cursor.fetchall()]
    roles: set[str] = set()
    if None in rows:
        roles.add("apprentice")
    member_roles = {role for role in rows if role is not None}
    if member_roles & Membership.EMPLOYER_ROLES:
        roles.add("employer")
    if member_roles & Membership.PROVIDER_ROLES or user.is_superuser:
        roles.add("provider")
    if member_roles & {Membership.Role.ASSESSOR, Membership.Role.TUTOR}:
        roles.add("reviewer")
    if Membership.Role.PROVIDER_ADMIN in member_roles or user.is_superuser:
        roles.add("provider_admin")
    if member_roles & Membership.ASSESSMENT_ORGANISATION_ROLES:
        roles.add("assessment_organisation")
    return frozenset(roles)


# Where `request_user_roles` keeps the roles it read, with the user they belong to.
_REQUEST_ROLES = "_portfolio_user_roles"


def request_user_roles(*, request: HttpRequest) -> frozenset[str]:
    """`user_roles` of the request's user, read once per request: a view's role check and the page header (the
    menu, portfolio/core/context.py) share one read. Kept with the user's id, so a request that signs someone in
    or out before its page is rendered reads the roles of whoever it renders for."""
    user = getattr(request, "user", None)
    key = getattr(user, "pk", None)
    kept = getattr(request, _REQUEST_ROLES, None)
    if kept is not None and kept[0] == key:
        return kept[1]
    roles = user_roles(user=user)
    setattr(request, _REQUEST_ROLES, (key, roles))
    return roles


def user_holds_role(*, user: Any, roles: Iterable[str]) -> bool:
    """An active membership in one of `roles` (a superuser holds none unless given one)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Membership.objects.filter(user_id=user.pk, is_active=True, role__in=list(roles)).exists()
