"""``portal_count(query, exact_up_to)``: the planner's row estimate of ``query`` when above ``exact_up_to``,
else its exact count, in one round trip (``wards.pagination``). PostgreSQL only; other databases count
exactly without it."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION portal_count(query text, exact_up_to bigint)
RETURNS TABLE (rows bigint, estimated boolean)
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
    planned bigint;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    planned := round((plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric)::bigint;
    IF planned > exact_up_to THEN
        RETURN QUERY SELECT planned, true;
    ELSE
        RETURN QUERY EXECUTE 'SELECT count(*), false FROM (' || query || ') AS portal_count_rows';
    END IF;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS portal_count(text, bigint);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("personnel", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
