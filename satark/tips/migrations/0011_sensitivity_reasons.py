# Sensitivity reasons become codes with values (tips.reasons), put into words in the reader's language.

from django.db import migrations, models


def keep_old_words(apps, schema_editor):
    """Words stored before the codes are kept as they were (code "text"), one update per distinct text."""
    Tip = apps.get_model("tips", "Tip")
    db = schema_editor.connection.alias
    texts = Tip.objects.using(db).exclude(sensitivity_reason="").order_by().values_list(
        "sensitivity_reason", flat=True).distinct()
    for text in list(texts):
        Tip.objects.using(db).filter(sensitivity_reason=text).update(
            sensitivity_reasons=[["text", {"text": text}]])


class Migration(migrations.Migration):

    dependencies = [
        ('tips', '0010_first_assigned_and_reported'),
    ]

    operations = [
        migrations.AddField(
            model_name='tip',
            name='sensitivity_reasons',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(keep_old_words, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(
            model_name='tip',
            name='sensitivity_reason',
        ),
    ]
