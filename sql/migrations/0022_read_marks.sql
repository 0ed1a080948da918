-- 0022_read_marks: which committed writes touched whose data, so that
-- krow-query can tell whether a document it answered before is still the
-- answer (fcgi/query/qcache.c).
--
--   read_marks        one row per (scope, writing transaction): scope is
--                     a business, a worker or a tenant id whose data the
--                     transaction changed, or a tenant's market scope
--                     (krow_market_scope()) when it changed shifts,
--                     orders, hubs or approvals that workers of the
--                     tenant see (open shifts)
--   read_mark_sources which tables mark which scopes, and how (the
--                     statement triggers below are made from it)
--   read_mark_floor   marks of transactions below floor may be gone
--
-- A cached document remembers the snapshot it was read after (taken
-- before its statement ran).  It is still the answer when no mark of its
-- scopes belongs to a transaction that snapshot did not see, and its
-- snapshot's xmin is not below the floor.  A write that commits before a
-- read starts is always seen by that read (the mark commits with the
-- write), so a client reads its own writes.
--
-- Statement triggers on every marked table insert the scopes of the
-- rows written (new and old), once per transaction and scope (ON
-- CONFLICT DO NOTHING).  Marks are purged once a minute by whichever
-- write comes along: the floor moves to the oldest running transaction
-- recorded a minute before, and marks below it are deleted.
-- krow_read_marks_uncovered() lists the tables a prepared statement
-- reads that no trigger marks with the given scope kinds: krow-query
-- does not cache a statement for which it lists any.
--
-- Depends on 0003, 0012, 0013, 0018.

CREATE TABLE read_marks (
	scope	uuid NOT NULL,
	xid	xid8 NOT NULL,
	PRIMARY KEY (scope, xid)
);

CREATE TABLE read_mark_floor (
	id		boolean PRIMARY KEY DEFAULT true CHECK (id),
	floor		xid8 NOT NULL,
	next_floor	xid8 NOT NULL,	-- the oldest running at next_at
	next_at		timestamptz NOT NULL
);
INSERT INTO read_mark_floor (floor, next_floor, next_at)
VALUES (pg_snapshot_xmin(pg_current_snapshot()),
    pg_snapshot_xmin(pg_current_snapshot()), now());

-- The scope of the tenant's market: what any of its workers may see of
-- its businesses (open shifts and where they are).
CREATE FUNCTION krow_market_scope(p_tenant uuid) RETURNS uuid
    LANGUAGE sql IMMUTABLE
    AS $$
	SELECT md5('krow market ' || p_tenant::text)::uuid
$$;

-- kind: business, staff, tenant or market; expr: the scope id of a
-- written row r (NULL: no scope of that kind).
CREATE TABLE read_mark_sources (
	tbl	text NOT NULL,
	kind	text NOT NULL
	    CHECK (kind IN ('business', 'staff', 'tenant', 'market')),
	expr	text NOT NULL,
	PRIMARY KEY (tbl, kind)
);
INSERT INTO read_mark_sources (tbl, kind, expr) VALUES
    ('tenants', 'tenant', 'r.id'),
    ('vendors', 'tenant', 'r.tenant_id'),
    ('vendor_roles', 'tenant', 'r.tenant_id'),
    ('reference_rates', 'tenant', 'r.tenant_id'),
    ('businesses', 'business', 'r.id'),
    ('users', 'business', 'r.business_id'),
    ('users', 'staff', 'r.staff_id'),
    ('hubs', 'business', 'r.business_id'),
    ('hub_managers', 'business', 'r.business_id'),
    ('nfc_tags', 'business', 'r.business_id'),
    ('cost_centers', 'business', 'r.business_id'),
    ('billing_accounts', 'business', 'r.business_id'),
    ('business_vendors', 'business', 'r.business_id'),
    ('orders', 'business', 'r.business_id'),
    ('shifts', 'business', 'r.business_id'),
    ('shift_positions', 'business', 'r.business_id'),
    ('assignments', 'business', 'r.business_id'),
    ('assignments', 'staff', 'r.staff_id'),
    ('time_entries', 'business', 'r.business_id'),
    ('time_entries', 'staff', 'r.staff_id'),
    ('invoices', 'business', 'r.business_id'),
    ('invoice_lines', 'business', 'r.business_id'),
    ('invoice_lines', 'staff', 'r.staff_id'),
    ('coverage_days', 'business', 'r.business_id'),
    ('coverage_day_roles', 'business', 'r.business_id'),
    ('spend_days', 'business', 'r.business_id'),
    ('spend_months', 'business', 'r.business_id'),
    ('swap_requests', 'business', 'r.business_id'),
    ('staff_events', 'business', 'r.business_id'),
    ('staff_events', 'staff', 'r.staff_id'),
    ('staff', 'staff', 'r.id'),
    ('staff_profiles', 'staff', 'r.staff_id'),
    ('staff_profile_counts', 'staff', 'r.staff_id'),
    ('staff_roles', 'staff', 'r.staff_id'),
    ('staff_availability', 'staff', 'r.staff_id'),
    ('staff_availability_exceptions', 'staff', 'r.staff_id'),
    ('staff_industries', 'staff', 'r.staff_id'),
    ('staff_skills', 'staff', 'r.staff_id'),
    ('staff_documents', 'staff', 'r.staff_id'),
    ('staff_certificates', 'staff', 'r.staff_id'),
    ('staff_bank_accounts', 'staff', 'r.staff_id'),
    ('staff_benefits', 'staff', 'r.staff_id'),
    ('staff_payments', 'staff', 'r.staff_id'),
    ('businesses', 'market', 'krow_market_scope(r.tenant_id)'),
    ('hubs', 'market', 'krow_market_scope(r.tenant_id)'),
    ('business_vendors', 'market', 'krow_market_scope(r.tenant_id)'),
    ('orders', 'market', 'krow_market_scope(r.tenant_id)'),
    ('shifts', 'market', 'krow_market_scope(r.tenant_id)'),
    ('shift_positions', 'market', 'krow_market_scope(r.tenant_id)'),
    ('staff_payment_lines', 'staff',
	'(SELECT p.staff_id FROM staff_payments p WHERE p.id = r.payment_id)');

-- Once a minute (per session, and then only one session at a time):
-- move the floor to the oldest running transaction recorded a minute
-- ago, record the current one, and delete the marks below the floor.
-- Called by the mark triggers.
CREATE FUNCTION krow_read_marks_purge() RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
	last	text := current_setting('krow.read_marks_purged', true);
BEGIN
	IF last IS NOT NULL AND last <> '' AND
	    last::timestamptz > now() - interval '1 minute' THEN
		RETURN;
	END IF;
	PERFORM set_config('krow.read_marks_purged', now()::text, false);
	UPDATE read_mark_floor f SET floor = f.next_floor,
	    next_floor = pg_snapshot_xmin(pg_current_snapshot()),
	    next_at = now()
	WHERE f.id AND f.next_at < now() - interval '1 minute'
	    AND f.ctid = (SELECT x.ctid FROM read_mark_floor x
	    WHERE x.id FOR UPDATE SKIP LOCKED);
	IF FOUND THEN
		DELETE FROM read_marks
		WHERE xid < (SELECT f.floor FROM read_mark_floor f);
	END IF;
END
$$;

-- One trigger function per marked table (static SQL: its plans are
-- cached per session), inserting the scopes of the written rows, and
-- its three statement triggers (krow_statement_triggers, 0017).
DO $do$
DECLARE
	t	record;
BEGIN
	FOR t IN SELECT tbl, string_agg(format('(%s)', expr), ', '
	    ORDER BY kind) AS vals
	    FROM read_mark_sources GROUP BY tbl LOOP
		EXECUTE format($f$
CREATE FUNCTION %I() RETURNS trigger
    LANGUAGE plpgsql
    AS $b$
BEGIN
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO read_marks (scope, xid)
		SELECT DISTINCT v.s, pg_current_xact_id()
		FROM new_rows r, LATERAL (VALUES %s) v(s)
		WHERE v.s IS NOT NULL
		ON CONFLICT DO NOTHING;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		INSERT INTO read_marks (scope, xid)
		SELECT DISTINCT v.s, pg_current_xact_id()
		FROM old_rows r, LATERAL (VALUES %s) v(s)
		WHERE v.s IS NOT NULL
		ON CONFLICT DO NOTHING;
	END IF;
	PERFORM krow_read_marks_purge();
	RETURN NULL;
END
$b$$f$, 'krow_read_marks_' || t.tbl, t.vals, t.vals);
		PERFORM krow_statement_triggers(t.tbl,
		    t.tbl || '_read_marks', format('%I()',
		    'krow_read_marks_' || t.tbl));
	END LOOP;
END
$do$;

-- The tables that prepared statement p_stmt (of this session) reads,
-- in its generic plan, that no trigger marks with one of p_kinds.
CREATE FUNCTION krow_read_marks_uncovered(p_stmt text, p_kinds text[])
    RETURNS SETOF text
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
	n	integer;
	plan	json;
BEGIN
	SELECT coalesce(cardinality(s.parameter_types), 0) INTO n
	FROM pg_prepared_statements s WHERE s.name = p_stmt;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no prepared statement %', p_stmt;
	END IF;
	EXECUTE format('EXPLAIN (FORMAT JSON) EXECUTE %I%s', p_stmt,
	    CASE WHEN n = 0 THEN '' ELSE
	    '(' || array_to_string(array_fill('NULL'::text, ARRAY[n]), ', ')
	    || ')' END) INTO plan;
	RETURN QUERY SELECT DISTINCT rel FROM jsonb_path_query(plan::jsonb,
	    'strict $.**."Relation Name"') j, LATERAL (SELECT j #>> '{}') x(rel)
	    WHERE NOT EXISTS (SELECT 1 FROM read_mark_sources m
	    WHERE m.tbl = x.rel AND m.kind = ANY (p_kinds))
	    ORDER BY rel;
END
$$;
