-- 0024_derived_read_marks: fewer read-mark statements per write.
--
-- Every statement on a marked table ran its mark trigger (0022): an
-- insert into read_marks and a call of krow_read_marks_purge(), even
-- when the transaction had marked the same scopes already, and even for
-- the roll-up tables that only triggers of other marked tables write.
-- A create-order ran 13 such inserts and 9 purge calls.  Now:
--
-- 1. Derived tables are not marked by triggers of their own.
--    coverage_days and coverage_day_roles are written only by the
--    coverage triggers of shifts, shift_positions, assignments, orders
--    and hubs (0012, 0023), spend_days only by those of time_entries,
--    invoice_lines and reference_rates (0013), spend_months only from
--    spend_days; each of those source tables marks the business of the
--    rows it writes (reference_rates the tenant, which every client
--    read checks too), and a derived row belongs to the same business.
--    So the write that changes a derived row has marked its scope in
--    the same transaction.  read_mark_sources keeps their rows, with
--    derived = true: krow_read_marks_uncovered() still counts them as
--    marked, and no trigger is made for them.
-- 2. The purge is looked at only when a mark trigger inserted a mark
--    (the first write of a scope in a transaction), not after every
--    statement.
--
-- Depends on 0022.

ALTER TABLE read_mark_sources
    ADD COLUMN derived boolean NOT NULL DEFAULT false;
UPDATE read_mark_sources SET derived = true
WHERE tbl IN ('coverage_days', 'coverage_day_roles', 'spend_days',
    'spend_months');

DO $do$
DECLARE
	t	record;
BEGIN
	FOR t IN SELECT tbl, bool_and(derived) AS derived,
	    string_agg(format('(%s)', expr), ', ' ORDER BY kind) AS vals
	    FROM read_mark_sources GROUP BY tbl LOOP
		IF t.derived THEN
			EXECUTE format('DROP TRIGGER %I ON %I',
			    t.tbl || '_read_marks_insert', t.tbl);
			EXECUTE format('DROP TRIGGER %I ON %I',
			    t.tbl || '_read_marks_update', t.tbl);
			EXECUTE format('DROP TRIGGER %I ON %I',
			    t.tbl || '_read_marks_delete', t.tbl);
			EXECUTE format('DROP FUNCTION %I()',
			    'krow_read_marks_' || t.tbl);
			CONTINUE;
		END IF;
		EXECUTE format($f$
CREATE OR REPLACE FUNCTION %I() RETURNS trigger
    LANGUAGE plpgsql
    AS $b$
DECLARE
	marked	boolean := false;
BEGIN
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO read_marks (scope, xid)
		SELECT DISTINCT v.s, pg_current_xact_id()
		FROM new_rows r, LATERAL (VALUES %s) v(s)
		WHERE v.s IS NOT NULL
		ON CONFLICT DO NOTHING;
		marked := FOUND;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		INSERT INTO read_marks (scope, xid)
		SELECT DISTINCT v.s, pg_current_xact_id()
		FROM old_rows r, LATERAL (VALUES %s) v(s)
		WHERE v.s IS NOT NULL
		ON CONFLICT DO NOTHING;
		marked := marked OR FOUND;
	END IF;
	IF marked THEN
		PERFORM krow_read_marks_purge();
	END IF;
	RETURN NULL;
END
$b$$f$, 'krow_read_marks_' || t.tbl, t.vals, t.vals);
	END LOOP;
END
$do$;
