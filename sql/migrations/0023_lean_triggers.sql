-- 0023_lean_triggers: the roll-ups the writes keep, for a fraction of
-- what they cost, written at the commit.
--
-- contrib/bench/commands (pg_stat_statements, one connection) found a
-- create-order spending 4.5 of its 6 ms of database time in the
-- coverage triggers, and a clock-in 3 of its 5: every assignment,
-- position or shift row written called krow_coverage_shift() (0016),
-- which recounted every assignment of the shift (about 1,000 in the
-- bench's shifts) and wrote the position and roll-up rows one statement
-- at a time, each statement firing its own statement triggers (read
-- marks, order spans, spend months) even when it changed nothing.  And
-- with 8 connections the commands mostly waited for each other: the
-- day row of a hub and the shift and position rows of a busy shift,
-- which every such command writes, stayed locked from the command's
-- first statement to its commit.  Now:
--
-- 1. Assignment counts by difference.  Statement triggers on
--    assignments note, per position, what the statement's new rows
--    count less what its old rows counted (krow_assignment_counts: the
--    classes of 0012), instead of recounting the shift; a statement
--    that moves no assignment between classes (a clock-out, a note)
--    notes nothing.
-- 2. At the commit.  The triggers only note the positions' differences
--    and the shifts to roll up (krow_coverage_later); a deferred
--    constraint trigger applies them just before the commit
--    (krow_coverage_flush), one shift at a time in id order, each
--    locked before its positions are written, as before.  A shift
--    written by several statements is rolled up once, and the hot rows
--    are locked for the commit only.  The commands' answers do not read
--    these counts (they count the assignments they show).  A transaction
--    of many writes (a loop of updates by hand) applies its notes every
--    64 kB of them instead.
-- 3. krow_coverage_shift(sid) rolls up only: the positions' own counts
--    are kept by (1), so it reads the shift's few positions and writes
--    only what changed: the positions whose contribution moved and the
--    role rows of the differences (one statement, key order), the day
--    rows (old and new key in one statement, key order) and the shift.
--    A call that finds nothing changed writes nothing.  A new position
--    copies its shift's start when written (krow_openpos_position), so
--    the roll-up's write of it changes no indexed column.
-- 4. Order spans (krow_orders_span, 0021) are recomputed only for the
--    orders of shifts whose order, start or end changed, and written
--    only where they differ: the roll-up's own update of a shift no
--    longer rewrites its order.  The create-order statement writes the
--    span with the order, so its trigger finds nothing to do.
-- 5. Spend roll-ups (krow_spend_days_entries, krow_spend_months, 0013)
--    write only when the statement's rows count: opening a time entry
--    (a clock-in) no longer runs two empty upserts and a purge, each
--    firing the statement triggers of spend_days and spend_months.
--
-- krow_coverage_diff() and krow_spend_days_diff() are unchanged: the
-- tests compare the kept values with a computation from scratch after
-- every write, as before (t/check_coverage_counts also writes in one
-- transaction with a savepoint rolled back and with SET CONSTRAINTS ALL
-- IMMEDIATE).
--
-- Depends on 0012, 0013, 0016, 0017, 0019, 0021.

-- The classes an assignment in state st counts in: filling (lib/sqlrules.h
-- SQLR_FILLED), applied, on site.
CREATE FUNCTION krow_assignment_counts(st text) RETURNS integer[]
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT ARRAY[(st IN ('assigned', 'confirmed', 'checked_in',
	'checked_out', 'completed'))::integer, (st = 'applied')::integer,
	(st IN ('checked_in', 'checked_out'))::integer] $$;

-- Whether what position p recorded of its contribution to the role rows
-- (cov_*) or of its shift's start differs from what it is now, its shift
-- starting at starts and counting on day nday of hub nhub (NULL: the
-- shift does not count; nor does a cancelled position).
CREATE FUNCTION krow_coverage_moved(p shift_positions, nhub uuid,
    nday date, starts timestamptz) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT (p.cov_hub, p.cov_day, p.cov_role, p.cov_needed,
	p.cov_filled, p.shift_starts_at) IS DISTINCT FROM
	(CASE WHEN p.status <> 'cancelled' THEN nhub END,
	CASE WHEN p.status <> 'cancelled' THEN nday END,
	CASE WHEN p.status <> 'cancelled' AND nday IS NOT NULL
	    THEN p.vendor_role_id END,
	CASE WHEN p.status <> 'cancelled' AND nday IS NOT NULL
	    THEN p.headcount END,
	CASE WHEN p.status <> 'cancelled' AND nday IS NOT NULL
	    THEN least(p.headcount, p.filled_count) END, starts) $$;

-- Roll shift sid up: its positions' contributions to the role rows, its
-- totals, its contribution to the day rows.  The positions' own counts
-- are kept by krow_coverage_count_add(), its only caller, which holds
-- the shift's row lock.
CREATE OR REPLACE FUNCTION krow_coverage_shift(sid uuid) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
	s	record;
	nday	date;
	nhub	uuid;
	n	integer;
	f	integer;
	os	integer;
	moved	boolean;
BEGIN
	-- (a statement after the caller's lock: a fresh snapshot)
	SELECT x.tenant_id, x.business_id, x.hub_id, x.starts_at, x.needed,
	    x.filled, x.on_site, x.cov_hub, x.cov_day,
	    CASE WHEN x.status <> 'cancelled' AND o.status NOT IN ('draft',
		'cancelled') THEN (x.starts_at AT TIME ZONE h.time_zone)::date
		END AS day
	INTO s FROM shifts x JOIN orders o ON o.id = x.order_id
	JOIN hubs h ON h.id = x.hub_id WHERE x.id = sid;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	nday := s.day;
	nhub := CASE WHEN nday IS NOT NULL THEN s.hub_id END;

	-- The totals, and whether a position's contribution (or its copy
	-- of the start) changed: in the common case nothing did, and no
	-- statement below runs (each would fire the statement triggers of
	-- its table, even writing no row).
	SELECT coalesce(sum(sp.headcount) FILTER (WHERE sp.status <>
	    'cancelled'), 0),
	    coalesce(sum(least(sp.headcount, sp.filled_count)) FILTER (WHERE
	    sp.status <> 'cancelled'), 0),
	    coalesce(sum(sp.on_site_count) FILTER (WHERE sp.status <>
	    'cancelled'), 0),
	    coalesce(bool_or(krow_coverage_moved(sp, nhub, nday, s.starts_at)),
	    false)
	INTO n, f, os, moved
	FROM shift_positions sp WHERE sp.shift_id = sid;

	IF moved THEN
		WITH c AS (SELECT sp.id, sp.cov_hub, sp.cov_day, sp.cov_role,
		    sp.cov_needed, sp.cov_filled,
		    CASE WHEN x.l THEN nhub END AS h2,
		    CASE WHEN x.l THEN nday END AS d2,
		    CASE WHEN x.l THEN sp.vendor_role_id END AS r2,
		    CASE WHEN x.l THEN sp.headcount END AS n2,
		    CASE WHEN x.l THEN least(sp.headcount, sp.filled_count)
			END AS f2
		    FROM shift_positions sp
		    CROSS JOIN LATERAL (SELECT sp.status <> 'cancelled'
			AND nday IS NOT NULL) x(l)
		    WHERE sp.shift_id = sid
		    AND krow_coverage_moved(sp, nhub, nday, s.starts_at)),
		u AS (UPDATE shift_positions sp SET cov_hub = c.h2,
		    cov_day = c.d2, cov_role = c.r2, cov_needed = c.n2,
		    cov_filled = c.f2, shift_starts_at = s.starts_at
		    FROM c WHERE sp.id = c.id)
		-- The role rows in key order, each once: writers of one hub
		-- and day lock them in the same order and cannot deadlock on
		-- them.
		INSERT INTO coverage_day_roles AS cr (hub_id, day,
		    vendor_role_id, tenant_id, business_id, needed, filled)
		SELECT d.h, d.d, d.r, s.tenant_id, s.business_id, sum(d.n),
		    sum(d.f)
		FROM (SELECT c.cov_hub AS h, c.cov_day AS d, c.cov_role AS r,
		    -c.cov_needed::bigint AS n, -c.cov_filled::bigint AS f
		    FROM c WHERE c.cov_day IS NOT NULL
		    UNION ALL
		    SELECT c.h2, c.d2, c.r2, c.n2, c.f2 FROM c
		    WHERE c.d2 IS NOT NULL) d
		GROUP BY d.h, d.d, d.r HAVING sum(d.n) <> 0 OR sum(d.f) <> 0
		ORDER BY d.h, d.d, d.r
		ON CONFLICT (hub_id, day, vendor_role_id) DO UPDATE SET
		    needed = cr.needed + excluded.needed,
		    filled = cr.filled + excluded.filled;
	END IF;

	IF (n, f, os, nhub, nday) IS NOT DISTINCT FROM (s.needed, s.filled,
	    s.on_site, s.cov_hub, s.cov_day) THEN
		RETURN;
	END IF;
	-- The day rows: what the shift added under its old key taken back,
	-- what it adds now, in key order (a shift moved to another day
	-- takes from one and adds to the other).
	INSERT INTO coverage_days AS c (hub_id, day, tenant_id, business_id,
	    shifts, needed, filled, on_site, full_shifts)
	SELECT d.h, d.d, s.tenant_id, s.business_id, sum(d.k), sum(d.n),
	    sum(d.f), sum(d.o), sum(d.fu)
	FROM (VALUES (s.cov_hub, s.cov_day, -1, -s.needed::bigint,
		-s.filled::bigint, -s.on_site::bigint,
		-(s.filled >= s.needed)::integer),
	    (nhub, nday, 1, n::bigint, f::bigint, os::bigint,
		(f >= n)::integer)) d(h, d, k, n, f, o, fu)
	WHERE d.d IS NOT NULL
	GROUP BY d.h, d.d
	HAVING sum(d.k) <> 0 OR sum(d.n) <> 0 OR sum(d.f) <> 0
	    OR sum(d.o) <> 0 OR sum(d.fu) <> 0
	ORDER BY d.h, d.d
	ON CONFLICT (hub_id, day) DO UPDATE SET
	    shifts = c.shifts + excluded.shifts,
	    needed = c.needed + excluded.needed,
	    filled = c.filled + excluded.filled,
	    on_site = c.on_site + excluded.on_site,
	    full_shifts = c.full_shifts + excluded.full_shifts;
	UPDATE shifts SET needed = n, filled = f, on_site = os,
	    cov_hub = nhub, cov_day = nday
	WHERE id = sid;
END
$$;

-- The work of a transaction, done at its commit.  The triggers below
-- only note what they found (krow_coverage_later): the differences of
-- positions' counts ("p<position>,<filled>,<applied>,<on site>;") and
-- the shifts to roll up ("s<shift>;"), in the transaction-local setting
-- krow.coverage_pending (a subtransaction rolled back takes its notes
-- back with it), and the first note of a transaction inserts its row in
-- coverage_flush, whose deferred constraint trigger runs
-- krow_coverage_flush() at the commit: the counts, shift, role and day
-- rows are written then, one shift at a time in id order.  So the rows
-- every command of a shift or of a hub's day writes (its shift row, a
-- position with hundreds of workers, the day row) are locked for the
-- commit only, not from the command's first statement to its end; and
-- a shift written by several statements of a transaction is rolled up
-- once.  The commands' answers do not read these counts (they count
-- the assignments they show); another transaction sees them committed
-- with the change.
CREATE UNLOGGED TABLE coverage_flush (
	xid	xid8 PRIMARY KEY
);

CREATE FUNCTION krow_coverage_later(items text) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
	cur	text := current_setting('krow.coverage_pending', true);
BEGIN
	IF items IS NULL OR items = '' THEN
		RETURN;
	END IF;
	cur := coalesce(cur, '');
	PERFORM set_config('krow.coverage_pending', cur || items, true);
	-- (after the note: when constraints are immediate, the flush runs
	-- at the end of this insert)
	IF cur = '' THEN
		INSERT INTO coverage_flush (xid) VALUES (pg_current_xact_id())
		ON CONFLICT DO NOTHING;
	-- A transaction of many writes (a loop of updates by hand) does
	-- its work every 64 kB of notes rather than copying ever longer
	-- notes; its row in coverage_flush then finds nothing left.
	ELSIF length(cur) + length(items) > 65536 THEN
		PERFORM krow_coverage_apply();
	END IF;
END
$$;

-- Add df, da, dos to the counts of positions p (parallel arrays), then
-- roll their shifts and shifts more up, one shift at a time in id
-- order, each locked before its positions are written.
CREATE FUNCTION krow_coverage_count_add(p uuid[], df integer[],
    da integer[], dos integer[], more uuid[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
	sid	uuid;
BEGIN
	FOR sid IN SELECT sp.shift_id FROM shift_positions sp
	    WHERE sp.id = ANY (p)
	    UNION SELECT m.id FROM unnest(more) m(id)
	    ORDER BY 1 LOOP
		PERFORM 1 FROM shifts x WHERE x.id = sid FOR NO KEY UPDATE;
		IF NOT FOUND THEN	-- deleted since
			CONTINUE;
		END IF;
		IF p IS NOT NULL THEN
			UPDATE shift_positions sp SET
			    filled_count = sp.filled_count + u.f,
			    applied_count = sp.applied_count + u.a,
			    on_site_count = sp.on_site_count + u.o
			FROM unnest(p, df, da, dos) AS u(id, f, a, o)
			WHERE sp.id = u.id AND sp.shift_id = sid;
		END IF;
		PERFORM krow_coverage_shift(sid);
	END LOOP;
END
$$;

-- What the transaction noted, done now.
CREATE FUNCTION krow_coverage_apply() RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
	pending	text := current_setting('krow.coverage_pending', true);
	p	uuid[];
	df	integer[];
	da	integer[];
	dos	integer[];
	more	uuid[];
BEGIN
	IF pending IS NULL OR pending = '' THEN
		RETURN;
	END IF;
	PERFORM set_config('krow.coverage_pending', '', true);
	WITH e AS (SELECT x FROM unnest(string_to_array(pending, ';')) x
	    WHERE x <> ''),
	d AS (SELECT substr(split_part(e.x, ',', 1), 2)::uuid AS id,
	    sum(split_part(e.x, ',', 2)::integer)::integer AS f,
	    sum(split_part(e.x, ',', 3)::integer)::integer AS a,
	    sum(split_part(e.x, ',', 4)::integer)::integer AS o
	    FROM e WHERE left(e.x, 1) = 'p' GROUP BY 1),
	nz AS (SELECT * FROM d WHERE (d.f, d.a, d.o) <> (0, 0, 0))
	SELECT (SELECT array_agg(nz.id) FROM nz),
	    (SELECT array_agg(nz.f) FROM nz),
	    (SELECT array_agg(nz.a) FROM nz),
	    (SELECT array_agg(nz.o) FROM nz),
	    (SELECT array_agg(DISTINCT substr(e.x, 2)::uuid) FROM e
		WHERE left(e.x, 1) = 's')
	INTO p, df, da, dos, more;
	PERFORM krow_coverage_count_add(p, df, da, dos, more);
END
$$;

-- At the commit (and before, if the transaction sets its constraints
-- immediate): what the transaction noted.
CREATE FUNCTION krow_coverage_flush() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	DELETE FROM coverage_flush WHERE xid = NEW.xid;
	PERFORM krow_coverage_apply();
	RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER coverage_flush_commit AFTER INSERT
    ON coverage_flush DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION krow_coverage_flush();

-- Note shifts to roll up at the commit.
CREATE FUNCTION krow_coverage_shifts_later(ids uuid[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
	PERFORM krow_coverage_later(string_agg('s' || x.id || ';', ''))
	FROM unnest(ids) x(id);
END
$$;

-- Assignments written: the differences of their positions' counts,
-- noted for the commit.
CREATE FUNCTION krow_coverage_assignment_rows() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
	items	text;
BEGIN
	IF krow_coverage_deferred() THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		SELECT string_agg(format('p%s,%s,%s,%s;', d.id, d.f, d.a,
		    d.o), '') INTO items
		FROM (SELECT x.position_id AS id, sum(x.c[1]) AS f,
		    sum(x.c[2]) AS a, sum(x.c[3]) AS o
		    FROM (SELECT r.position_id,
			krow_assignment_counts(r.status) AS c
			FROM new_rows r) x
		    GROUP BY x.position_id) d
		WHERE (d.f, d.a, d.o) <> (0, 0, 0);
	ELSIF TG_OP = 'DELETE' THEN
		SELECT string_agg(format('p%s,%s,%s,%s;', d.id, -d.f, -d.a,
		    -d.o), '') INTO items
		FROM (SELECT x.position_id AS id, sum(x.c[1]) AS f,
		    sum(x.c[2]) AS a, sum(x.c[3]) AS o
		    FROM (SELECT r.position_id,
			krow_assignment_counts(r.status) AS c
			FROM old_rows r) x
		    GROUP BY x.position_id) d
		WHERE (d.f, d.a, d.o) <> (0, 0, 0);
	ELSE
		SELECT string_agg(format('p%s,%s,%s,%s;', d.id, d.f, d.a,
		    d.o), '') INTO items
		FROM (SELECT x.position_id AS id, sum(x.s * x.c[1]) AS f,
		    sum(x.s * x.c[2]) AS a, sum(x.s * x.c[3]) AS o
		    FROM (SELECT r.position_id, 1 AS s,
			krow_assignment_counts(r.status) AS c
			FROM new_rows r
			UNION ALL
			SELECT r.position_id, -1,
			krow_assignment_counts(r.status)
			FROM old_rows r) x
		    GROUP BY x.position_id) d
		WHERE (d.f, d.a, d.o) <> (0, 0, 0);
	END IF;
	PERFORM krow_coverage_later(items);
	RETURN NULL;
END
$$;
DROP TRIGGER assignments_coverage_ins_del ON assignments;
DROP TRIGGER assignments_coverage_upd ON assignments;
SELECT krow_statement_triggers('assignments', 'assignments_coverage',
    'krow_coverage_assignment_rows()');

-- Positions inserted: their shifts noted (the roll-up writes what they
-- contribute).  Deleted: what they contributed to the role rows taken
-- back now (the rows are gone at the commit), their shifts noted.
CREATE FUNCTION krow_coverage_position_rows() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
	ids	uuid[];
BEGIN
	IF krow_coverage_deferred() THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		SELECT array_agg(DISTINCT r.shift_id) INTO ids FROM new_rows r;
	ELSE
		INSERT INTO coverage_day_roles AS cr (hub_id, day,
		    vendor_role_id, tenant_id, business_id, needed, filled)
		SELECT r.cov_hub, r.cov_day, r.cov_role, r.tenant_id,
		    r.business_id, -sum(r.cov_needed), -sum(r.cov_filled)
		FROM old_rows r WHERE r.cov_day IS NOT NULL
		GROUP BY r.cov_hub, r.cov_day, r.cov_role, r.tenant_id,
		    r.business_id
		ORDER BY r.cov_hub, r.cov_day, r.cov_role
		ON CONFLICT (hub_id, day, vendor_role_id) DO UPDATE SET
		    needed = cr.needed + excluded.needed,
		    filled = cr.filled + excluded.filled;
		SELECT array_agg(DISTINCT r.shift_id) INTO ids FROM old_rows r;
	END IF;
	PERFORM krow_coverage_shifts_later(ids);
	RETURN NULL;
END
$$;
DROP TRIGGER shift_positions_coverage_ins_del ON shift_positions;
CREATE TRIGGER shift_positions_coverage_insert AFTER INSERT
    ON shift_positions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION krow_coverage_position_rows();
CREATE TRIGGER shift_positions_coverage_delete AFTER DELETE
    ON shift_positions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION krow_coverage_position_rows();

-- A position changed (headcount, status, shift or role): its shift, and
-- the one it left, noted.
CREATE OR REPLACE FUNCTION krow_coverage_positions() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF krow_coverage_deferred() THEN
		RETURN NULL;
	END IF;
	PERFORM krow_coverage_shifts_later(ARRAY[OLD.shift_id, NEW.shift_id]);
	RETURN NULL;
END
$$;

-- A position written (or moved, or opened again) copies its shift's
-- start too (0019 copies the end and whether shift and order are open):
-- the roll-up then finds it already there and writes only what the
-- position contributes, a change of no indexed column.
CREATE OR REPLACE FUNCTION krow_openpos_position() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	SELECT s.ends_at, s.status = 'open' AND o.status = 'open', s.starts_at
	INTO NEW.shift_ends_at, NEW.shift_open, NEW.shift_starts_at
	FROM shifts s JOIN orders o ON o.id = s.order_id
	WHERE s.id = NEW.shift_id FOR SHARE OF s, o;
	IF NOT FOUND THEN
		NEW.shift_ends_at := NULL;
		NEW.shift_open := false;
	END IF;
	RETURN NEW;
END
$$;

-- Shifts inserted: noted.  Deleted: what they contributed to the day
-- rows taken back now.
CREATE FUNCTION krow_coverage_shift_rows() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
	ids	uuid[];
BEGIN
	IF krow_coverage_deferred() THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' THEN
		INSERT INTO coverage_days AS c (hub_id, day, tenant_id,
		    business_id, shifts, needed, filled, on_site, full_shifts)
		SELECT r.cov_hub, r.cov_day, r.tenant_id, r.business_id,
		    -count(*), -sum(r.needed), -sum(r.filled),
		    -sum(r.on_site),
		    -count(*) FILTER (WHERE r.filled >= r.needed)
		FROM old_rows r WHERE r.cov_day IS NOT NULL
		GROUP BY r.cov_hub, r.cov_day, r.tenant_id, r.business_id
		ORDER BY r.cov_hub, r.cov_day
		ON CONFLICT (hub_id, day) DO UPDATE SET
		    shifts = c.shifts + excluded.shifts,
		    needed = c.needed + excluded.needed,
		    filled = c.filled + excluded.filled,
		    on_site = c.on_site + excluded.on_site,
		    full_shifts = c.full_shifts + excluded.full_shifts;
	ELSE
		SELECT array_agg(r.id) INTO ids FROM new_rows r;
		PERFORM krow_coverage_shifts_later(ids);
	END IF;
	RETURN NULL;
END
$$;
DROP TRIGGER shifts_coverage_ins_del ON shifts;
CREATE TRIGGER shifts_coverage_insert AFTER INSERT ON shifts
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION krow_coverage_shift_rows();
CREATE TRIGGER shifts_coverage_delete AFTER DELETE ON shifts
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION krow_coverage_shift_rows();

-- A shift's status, start, hub or order changed; an order's status; a
-- hub's time zone: the shifts concerned noted.
CREATE OR REPLACE FUNCTION krow_coverage_shifts() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF krow_coverage_deferred() THEN
		RETURN NULL;
	END IF;
	PERFORM krow_coverage_shifts_later(ARRAY[NEW.id]);
	RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION krow_coverage_orders() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF krow_coverage_deferred() THEN
		RETURN NULL;
	END IF;
	PERFORM krow_coverage_shifts_later(ARRAY(SELECT s.id FROM shifts s
	    WHERE s.order_id = NEW.id));
	RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION krow_coverage_hubs() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF krow_coverage_deferred() THEN
		RETURN NULL;
	END IF;
	PERFORM krow_coverage_shifts_later(ARRAY(SELECT s.id FROM shifts s
	    WHERE s.hub_id = NEW.id AND s.cov_day IS NOT NULL));
	RETURN NULL;
END
$$;

-- Order spans: only the orders of shifts whose order, start or end
-- changed, and only where the span differs (an update writing no row
-- still costs its start-up and fires the statement triggers of orders).
-- A few orders (a command's) are done one by one, each statement an
-- index lookup whatever the table's statistics; many (the generator's)
-- by one statement each.
CREATE OR REPLACE FUNCTION krow_orders_span() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
	ids	uuid[];
	oid	uuid;
	f	timestamptz;
	l	timestamptz;
	ls	timestamptz;
BEGIN
	IF TG_OP = 'INSERT' THEN
		SELECT array_agg(DISTINCT n.order_id) INTO ids
		FROM new_shifts n;
	ELSIF TG_OP = 'DELETE' THEN
		SELECT array_agg(DISTINCT o.order_id) INTO ids
		FROM old_shifts o;
	ELSE
		SELECT array_agg(DISTINCT x.order_id) INTO ids
		FROM new_shifts n JOIN old_shifts o ON o.id = n.id,
		    LATERAL (VALUES (n.order_id), (o.order_id)) x(order_id)
		WHERE (n.order_id, n.starts_at, n.ends_at) IS DISTINCT FROM
		    (o.order_id, o.starts_at, o.ends_at);
	END IF;
	IF ids IS NULL THEN
		RETURN NULL;
	END IF;
	IF cardinality(ids) <= 4 THEN
		FOREACH oid IN ARRAY ids LOOP
			SELECT min(s.starts_at), max(s.ends_at),
			    max(s.starts_at) INTO f, l, ls
			FROM shifts s WHERE s.order_id = oid;
			PERFORM 1 FROM orders o WHERE o.id = oid
			AND (o.first_shift_at, o.last_shift_end,
			    o.last_shift_start) IS DISTINCT FROM (f, l, ls);
			IF FOUND THEN
				UPDATE orders o SET first_shift_at = f,
				    last_shift_end = l, last_shift_start = ls
				WHERE o.id = oid;
			END IF;
		END LOOP;
		RETURN NULL;
	END IF;
	UPDATE orders o SET first_shift_at = x.f, last_shift_end = x.l,
	    last_shift_start = x.ls
	FROM (SELECT c.id, min(s.starts_at) AS f, max(s.ends_at) AS l,
	    max(s.starts_at) AS ls
	    FROM unnest(ids) AS c(id)
	    LEFT JOIN shifts s ON s.order_id = c.id
	    GROUP BY c.id) x
	WHERE o.id = x.id AND (o.first_shift_at, o.last_shift_end,
	    o.last_shift_start) IS DISTINCT FROM (x.f, x.l, x.ls);
	RETURN NULL;
END
$$;

-- Time entries written: only the rows that count (finished, not
-- invoiced) move spend_days, and the purge of rows left at zero runs
-- only after a change.
CREATE OR REPLACE FUNCTION krow_spend_days_entries() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
	changed	boolean := false;
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		IF EXISTS (SELECT 1 FROM old_te o
		    WHERE o.status IN ('closed', 'approved')
		    AND NOT o.invoiced
		    AND o.worked_minutes IS NOT NULL) THEN
			INSERT INTO spend_days AS s
			SELECT o.tenant_id, o.business_id, o.sd_hub_id,
			    o.sd_work_date, false, o.sd_cost_center_id,
			    o.sd_billing_account_id, o.sd_vendor_id,
			    o.sd_vendor_role_id, o.sd_currency,
			    -sum(o.worked_minutes), -sum(o.bill_cents),
			    -count(*), NULL
			FROM old_te o
			WHERE o.status IN ('closed', 'approved')
			    AND NOT o.invoiced AND o.worked_minutes IS NOT NULL
			GROUP BY 1, 2, 3, 4, 6, 7, 8, 9, 10
			ON CONFLICT (business_id, hub_id, work_date, invoiced,
			    cost_center_id, billing_account_id, vendor_id,
			    vendor_role_id, currency)
			DO UPDATE SET minutes = s.minutes + excluded.minutes,
			    cents = s.cents + excluded.cents,
			    entries = s.entries + excluded.entries;
			changed := true;
		END IF;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		IF EXISTS (SELECT 1 FROM new_te n
		    WHERE n.status IN ('closed', 'approved')
		    AND NOT n.invoiced
		    AND n.worked_minutes IS NOT NULL) THEN
			INSERT INTO spend_days AS s
			SELECT n.tenant_id, n.business_id, n.sd_hub_id,
			    n.sd_work_date, false, n.sd_cost_center_id,
			    n.sd_billing_account_id, n.sd_vendor_id,
			    n.sd_vendor_role_id, n.sd_currency,
			    sum(n.worked_minutes), sum(n.bill_cents), count(*),
			    NULL
			FROM new_te n
			WHERE n.status IN ('closed', 'approved')
			    AND NOT n.invoiced AND n.worked_minutes IS NOT NULL
			GROUP BY 1, 2, 3, 4, 6, 7, 8, 9, 10
			ON CONFLICT (business_id, hub_id, work_date, invoiced,
			    cost_center_id, billing_account_id, vendor_id,
			    vendor_role_id, currency)
			DO UPDATE SET minutes = s.minutes + excluded.minutes,
			    cents = s.cents + excluded.cents,
			    entries = s.entries + excluded.entries;
			changed := true;
		END IF;
	END IF;
	IF changed THEN
		PERFORM krow_spend_days_zero();
	END IF;
	RETURN NULL;
END
$$;

-- spend_days written: spend_months likewise, and its purge only after a
-- change.
CREATE OR REPLACE FUNCTION krow_spend_months() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
	changed	boolean := false;
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		IF EXISTS (SELECT 1 FROM new_days) THEN
			INSERT INTO spend_months AS m
			SELECT d.tenant_id, d.business_id, d.invoiced,
			    d.hub_id, date_trunc('month', d.work_date)::date,
			    d.cost_center_id, sum(d.minutes), sum(d.cents),
			    sum(d.entries)
			FROM new_days d GROUP BY 1, 2, 3, 4, 5, 6
			HAVING sum(d.entries) <> 0 OR sum(d.minutes) <> 0
			    OR sum(d.cents) <> 0
			ON CONFLICT (business_id, invoiced, hub_id, month,
			    cost_center_id)
			DO UPDATE SET
			    minutes = m.minutes + excluded.minutes,
			    cents = m.cents + excluded.cents,
			    entries = m.entries + excluded.entries;
			changed := true;
		END IF;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		IF EXISTS (SELECT 1 FROM old_days) THEN
			INSERT INTO spend_months AS m
			SELECT d.tenant_id, d.business_id, d.invoiced,
			    d.hub_id, date_trunc('month', d.work_date)::date,
			    d.cost_center_id, -sum(d.minutes), -sum(d.cents),
			    -sum(d.entries)
			FROM old_days d GROUP BY 1, 2, 3, 4, 5, 6
			HAVING sum(d.entries) <> 0 OR sum(d.minutes) <> 0
			    OR sum(d.cents) <> 0
			ON CONFLICT (business_id, invoiced, hub_id, month,
			    cost_center_id)
			DO UPDATE SET
			    minutes = m.minutes + excluded.minutes,
			    cents = m.cents + excluded.cents,
			    entries = m.entries + excluded.entries;
			changed := true;
		END IF;
	END IF;
	IF changed THEN
		DELETE FROM spend_months WHERE entries = 0;
	END IF;
	RETURN NULL;
END
$$;

-- The statements of these functions have a few key parameters and read
-- a few rows: the generic plan is the custom one, and planning each call
-- anew (as plpgsql may keep doing when the generic plan's estimate is
-- no better) cost more than running them (0.3 ms for the order span's
-- update).
ALTER FUNCTION krow_coverage_shift(uuid)
    SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION krow_coverage_count_add(uuid[], integer[], integer[],
    integer[], uuid[]) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION krow_coverage_apply()
    SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION krow_coverage_assignment_rows()
    SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION krow_coverage_position_rows()
    SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION krow_coverage_shift_rows()
    SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION krow_orders_span() SET plan_cache_mode = force_generic_plan;
