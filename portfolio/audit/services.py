from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from portfolio.audit.models import AuditEntry
from portfolio.core.request_context import request_context


def canonical_json(value: Any) -> str:
    """One spelling per value (sorted keys, no spaces), so equal content always gives an equal digest."""
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# No savepoint of its own (two statements more per entry, inside every service's transaction): an entry that
# cannot be written fails the caller's transaction as a whole, so no change commits without its record.
@transaction.atomic(savepoint=False)
def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_repr: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Call it inside the service's transaction, so the change and its record commit
    together or not at all. The client address and user agent come from the request being served
    (`portfolio.core.request_context`); outside one (a task, a command) the entry records none."""
    changes = json.loads(canonical_json(changes or {}))
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        at=timezone.now(),
        actor=actor,
        actor_repr=actor.email if actor is not None else "",
        action=action,
        target_repr=(target_repr or (str(target) if target is not None else ""))[:255],
        changes=changes,
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target)
        entry.target_id = str(target.pk)
        entry.target_public_id = getattr(target, "public_id", None)
    context = request_context()
    if context is not None:
        entry.ip = context.ip
        entry.user_agent = context.user_agent
    entry.digest = hashlib.sha256(canonical_json(audit_payload(entry)).encode()).hexdigest()
    entry.save()
    return entry


def audit_payload(entry: AuditEntry) -> dict[str, Any]:
    """What the digest covers: everything that says who did what to which object, when and from where."""
    return {
        "at": entry.at.isoformat(),
        "actor": str(entry.actor.public_id) if entry.actor is not None else None,
        "action": entry.action,
        "target_type": entry.target_type.natural_key() if entry.target_type is not None else None,
        "target_id": entry.target_id,
        "target_public_id": str(entry.target_public_id) if entry.target_public_id else None,
        "target_repr": entry.target_repr,
        "changes": entry.changes,
        "ip": entry.ip,
        "user_agent": entry.user_agent,
    }


def audit_verify(*, entry: AuditEntry) -> bool:
    """True when the stored digest still matches the entry's content."""
    expected = hashlib.sha256(canonical_json(audit_payload(entry)).encode()).hexdigest()
    return expected == entry.digest
