import django.contrib.postgres.search
from django.db import migrations

from orders.migrations._postgresql import on_postgresql

# PostgreSQL only: a trigger writes each product's weighted search document (name A,
# category name B, description C) whenever one of them changes, a category's rename
# rewrites its products', and GIN indexes serve the document and the case-insensitive
# substring match, so a search reads an index instead of every product.
FORWARD = """
CREATE OR REPLACE FUNCTION orders_product_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english'::regconfig, coalesce(NEW.name, '')), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce(
      (SELECT name FROM orders_category WHERE id = NEW.category_id), '')), 'B') ||
    setweight(to_tsvector('english'::regconfig, coalesce(NEW.description, '')), 'C');
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER orders_product_search_vector
  BEFORE INSERT OR UPDATE OF name, description, category_id ON orders_product
  FOR EACH ROW EXECUTE FUNCTION orders_product_search_vector();

CREATE OR REPLACE FUNCTION orders_category_search_vector() RETURNS trigger AS $$
BEGIN
  UPDATE orders_product SET name = name WHERE category_id = NEW.id;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER orders_category_search_vector
  AFTER UPDATE OF name ON orders_category
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION orders_category_search_vector();

UPDATE orders_product SET name = name;
CREATE INDEX IF NOT EXISTS product_search_vector ON orders_product USING gin (search_vector);
CREATE INDEX IF NOT EXISTS product_name_upper_trgm ON orders_product
  USING gin ((upper(name::text)) gin_trgm_ops);
"""
BACKWARD = """
DROP INDEX IF EXISTS product_name_upper_trgm;
DROP INDEX IF EXISTS product_search_vector;
DROP TRIGGER IF EXISTS orders_category_search_vector ON orders_category;
DROP FUNCTION IF EXISTS orders_category_search_vector();
DROP TRIGGER IF EXISTS orders_product_search_vector ON orders_product;
DROP FUNCTION IF EXISTS orders_product_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_opening_hours"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
    ]
