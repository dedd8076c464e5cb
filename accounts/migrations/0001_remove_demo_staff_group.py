"""The demo's group "Chuyên viên theo dõi" gave reviewers add, change and delete rights in
the Django admin (memberships among them: a way to grant oneself a unit's role). The admin
is for superusers now, and roles are given in the app: the group goes."""

from django.db import migrations


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Chuyên viên theo dõi").delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(remove_group, migrations.RunPython.noop)]
