from django.db import migrations

from orders.migrations._postgresql import on_postgresql

# An issued invoice or credit note never changes (orders/models/invoices.py refuses it in
# the ORM); on PostgreSQL the database refuses it too, whatever writes to it: raw SQL, a
# shell, another program. Rows are only ever inserted.
TABLES = ["orders_invoice", "orders_invoiceline", "orders_creditnote", "orders_creditnoteline"]
FORWARD = """
CREATE FUNCTION orders_issued_document_unchanged() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING
    MESSAGE = 'an issued ' || TG_TABLE_NAME || ' row never changes',
    ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"CREATE TRIGGER {table}_unchanged BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION orders_issued_document_unchanged();\n"
    for table in TABLES
)
BACKWARD = "".join(f"DROP TRIGGER {table}_unchanged ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION orders_issued_document_unchanged();"
)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0013_invoices_and_credit_notes"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
    ]
