-- Search in the offerings catalogue (issue 13, ADR 024): norwegian stemming (a weighted
-- tsvector) plus trigram similarity (pg_trgm) for typos and compound words. pg_trgm is a
-- trusted extension (PostgreSQL 13+); PGlite loads it in db/client.ts. No unaccent: æ, ø and å
-- are letters of their own in Norwegian.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
ALTER TABLE "offerings" ADD COLUMN "search_vector" "tsvector" DEFAULT ''::tsvector NOT NULL;--> statement-breakpoint
ALTER TABLE "offerings" ADD COLUMN "search_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
-- The organisation's name lives in another table, so these are kept by triggers, not as
-- generated columns: an offering's own text on every insert and change, and all of an
-- organisation's offerings when it is renamed.
CREATE OR REPLACE FUNCTION offerings_search_refresh() RETURNS trigger AS $$
DECLARE
  organisation_name text;
  place text;
BEGIN
  SELECT name INTO organisation_name FROM organisations WHERE id = NEW.organisation_id;
  place := concat_ws(' ', NEW.address, NEW.accessibility_notes);
  NEW.search_vector :=
    setweight(to_tsvector('norwegian'::regconfig, coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('norwegian'::regconfig, coalesce(organisation_name, '')), 'B')
    || setweight(to_tsvector('norwegian'::regconfig, coalesce(NEW.description, '')), 'C')
    || setweight(to_tsvector('norwegian'::regconfig, place), 'D');
  NEW.search_text := lower(concat_ws(' ', NEW.title, organisation_name, NEW.description, place));
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER offerings_search_refresh
  BEFORE INSERT OR UPDATE OF title, description, address, accessibility_notes, organisation_id
  ON offerings
  FOR EACH ROW EXECUTE FUNCTION offerings_search_refresh();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION organisations_search_rename() RETURNS trigger AS $$
BEGIN
  -- Naming the column in SET fires offerings_search_refresh for each of them.
  UPDATE offerings SET organisation_id = organisation_id WHERE organisation_id = NEW.id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER organisations_search_rename
  AFTER UPDATE OF name ON organisations
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION organisations_search_rename();
--> statement-breakpoint
UPDATE offerings SET organisation_id = organisation_id;--> statement-breakpoint
CREATE INDEX "offerings_search_vector_idx" ON "offerings" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "offerings_search_text_idx" ON "offerings" USING gin ("search_text" gin_trgm_ops);
