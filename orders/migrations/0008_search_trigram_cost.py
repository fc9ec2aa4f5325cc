from django.db import migrations

from orders.migrations._postgresql import on_postgresql

# The planner prices pg_trgm's word-similarity operator (name %> 'query') like an
# equality, so with 100,000 products it preferred reading every product to the
# three-index BitmapOr a search needs: 560 ms instead of 33 ms (bench/RESULTS.md).
# Pricing the operator as the trigram comparison it is restores the index plan. Only
# the extension's owner may do this; elsewhere the search still works.
FORWARD = """
DO $$ BEGIN
  ALTER FUNCTION word_similarity_commutator_op(text, text) COST 100;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'pg_trgm belongs to another role: large catalogues may scan on search';
END $$;
"""
BACKWARD = """
DO $$ BEGIN
  ALTER FUNCTION word_similarity_commutator_op(text, text) COST 1;
EXCEPTION WHEN insufficient_privilege THEN
  NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0007_product_search_vector"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
    ]
