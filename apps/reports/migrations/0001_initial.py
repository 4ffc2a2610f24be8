from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("attendance", "0001_initial"),
        ("shifts", "0002_signup_over_workload"),
    ]

    operations = []
