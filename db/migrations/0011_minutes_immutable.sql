-- Minutes are a record (ADR 015): a version's content is written once. Only the lock may be
-- set, once; after that nothing in the row changes. Reviews are kept as written. A row goes
-- only with its meeting (a cascade from a deleted meeting runs deeper than one trigger level).
CREATE OR REPLACE FUNCTION minutes_versions_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF pg_trigger_depth() > 1 THEN RETURN OLD; END IF;
    RAISE EXCEPTION 'minutes_versions are kept (DELETE refused)';
  END IF;
  IF OLD.locked_at IS NOT NULL THEN
    RAISE EXCEPTION 'minutes version % is locked (UPDATE refused)', OLD.version;
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.meeting_id IS DISTINCT FROM OLD.meeting_id
    OR NEW.version IS DISTINCT FROM OLD.version OR NEW.state IS DISTINCT FROM OLD.state
    OR NEW.rendered IS DISTINCT FROM OLD.rendered
    OR NEW.closed_by_user_id IS DISTINCT FROM OLD.closed_by_user_id
    OR NEW.closed_at IS DISTINCT FROM OLD.closed_at THEN
    RAISE EXCEPTION 'minutes content never changes (UPDATE refused)';
  END IF;
  IF NEW.locked_at IS NULL THEN
    RAISE EXCEPTION 'an update of minutes may only lock them';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER minutes_versions_immutable
  BEFORE UPDATE OR DELETE ON minutes_versions
  FOR EACH ROW EXECUTE FUNCTION minutes_versions_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION minutes_reviews_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN RETURN OLD; END IF;
  RAISE EXCEPTION 'minutes_reviews are kept as written (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER minutes_reviews_immutable
  BEFORE UPDATE OR DELETE ON minutes_reviews
  FOR EACH ROW EXECUTE FUNCTION minutes_reviews_guard();
--> statement-breakpoint
CREATE TRIGGER minutes_no_truncate
  BEFORE TRUNCATE ON minutes_versions
  FOR EACH STATEMENT EXECUTE FUNCTION minutes_reviews_guard();
