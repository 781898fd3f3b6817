"""Providers that exist before the gateway gates keep the readiness they had: coverage, and behaviours where their
review policy asked for it. The gates that need data they have not recorded yet (minimum OTJ hours, dates of
birth, the practical period) start off for them, so an upgrade does not turn every apprentice "not ready" at once;
their admins turn the gates on from the gateway settings page. Providers created later start with every gate on.

The behaviours gate moves here from the review policy (reviews 0003 drops `require_behaviours_confirmed`).
"""

from django.db import migrations


def keep_readiness(apps, schema_editor):
    organisations = apps.get_model("people", "Organisation")
    review_policies = apps.get_model("reviews", "ReviewPolicy")
    gateway_policies = apps.get_model("gateway", "GatewayPolicy")
    behaviours = dict(review_policies.objects.values_list("provider_id", "require_behaviours_confirmed"))
    gateway_policies.objects.bulk_create(
        [
            gateway_policies(
                provider_id=provider_id,
                behaviours_gate=behaviours.get(provider_id, True),
                otj_gate=False,
                practical_period_gate=False,
                english_maths_gate=False,
            )
            for provider_id in organisations.objects.filter(kind="provider").values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )


def restore_behaviours(apps, schema_editor):
    review_policies = apps.get_model("reviews", "ReviewPolicy")
    gateway_policies = apps.get_model("gateway", "GatewayPolicy")
    for provider_id, on in gateway_policies.objects.values_list("provider_id", "behaviours_gate"):
        review_policies.objects.update_or_create(provider_id=provider_id, defaults={"require_behaviours_confirmed": on})


class Migration(migrations.Migration):
    dependencies = [
        ("gateway", "0001_initial"),
        ("people", "0001_initial"),
        ("reviews", "0002_decision_states"),
    ]

    operations = [migrations.RunPython(keep_readiness, restore_behaviours)]
