"""The behaviours readiness gate is a gateway setting now (`GatewayPolicy.behaviours_gate`); gateway 0002 copied
each provider's value there first."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_decision_states"),
        ("gateway", "0002_existing_providers_keep_their_readiness"),
    ]

    operations = [migrations.RemoveField(model_name="reviewpolicy", name="require_behaviours_confirmed")]
