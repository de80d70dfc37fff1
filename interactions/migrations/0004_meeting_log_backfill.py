"""Logs saved before MeetingLog existed get one, so that a form submitted again logs nothing.

What those logs created is not known: their undo removes their interactions and follow-ups,
never a person or an event.
"""

from django.db import migrations

CHUNK = 2000


def backfill(apps, schema_editor):
    Interaction = apps.get_model("interactions", "Interaction")
    MeetingLog = apps.get_model("interactions", "MeetingLog")
    saved = (
        Interaction.objects.exclude(batch=None)
        .values_list("owner_id", "batch")
        .distinct()
        .order_by()
        .iterator(chunk_size=CHUNK)
    )
    logs = []
    for owner_id, batch in saved:
        logs.append(MeetingLog(owner_id=owner_id, batch=batch))
        if len(logs) == CHUNK:
            MeetingLog.objects.bulk_create(logs, ignore_conflicts=True)
            logs = []
    MeetingLog.objects.bulk_create(logs, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("interactions", "0003_meeting_log")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
