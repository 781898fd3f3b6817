"""Notification emails still owed by the old per-notification outbox move into the mail outbox, before
notify.0002 drops the columns that recorded them: no owed email is lost by the change."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def copy_owed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Notification = apps.get_model("notify", "Notification")
    OutgoingMail = apps.get_model("mail", "OutgoingMail")
    site = settings.SITE_URL.rstrip("/")
    now = timezone.now()
    owed = Notification.objects.filter(
        email_wanted=True, emailed_at__isnull=True, email_attempts__lt=10
    ).select_related("recipient")
    OutgoingMail.objects.bulk_create(
        OutgoingMail(
            kind=f"notification.{n.kind}"[:64],
            to=n.recipient.email,
            subject=n.title,
            body=f"{n.body}\n\n{site + n.link if n.link else settings.SITE_URL}\n",
            created_at=n.created_at,
            next_attempt_at=now,
        )
        for n in owed.iterator()
        if n.recipient.email
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_outgoing_mail"),
        ("notify", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_owed, migrations.RunPython.noop)]
