-- 0025_set_rollup: the roll-up of a transaction's shifts in a few
-- statements for all of them, and without the statement triggers that
-- have nothing to do for its writes.
--
-- 1. One pass for all the shifts.  krow_coverage_count_add() (0023)
--    rolled the noted shifts up one at a time (krow_coverage_shift), in
--    five statements each, each writing its hub's day row again.  A
--    change of a hub's time zone notes every shift the hub ever had.
--    On the benchmark's database, whose create-order runs had left
--    39,000 shifts on one day of the demo hub, that was 200,000
--    statements, and each roll-up walked the longer chain of versions
--    the transaction had left of that day row: after four minutes 2,500
--    shifts were done, ever more slowly, and every other command of the
--    hub waited behind it.  Now the noted shifts are locked by one
--    statement, in id order; their positions' counts are added by one;
--    and one statement rolls them all up (the positions' contributions,
--    the role rows, the day rows, the shifts' totals;
--    krow_coverage_state() is what it reads), writing only what changed,
--    each roll-up table's rows in key order.  So writers of one
--    hub and day lock those rows in the same order even when a
--    transaction rolls up several shifts: one at a time (in shift id
--    order, which is random), two orders of two shifts on the same two
--    days could lock the two day rows in opposite orders, and did
--    deadlock (t/check_orders: 8 clients creating 6 such orders each
--    got 40P01, a 500, on 5 of 48 creates; none now).  A command's one shift costs one statement
--    instead of five.  The 39,000 shifts took 8 to 11 s.
-- 2. Quiet writes.  The roll-up's updates of shifts (totals, cov_hub,
--    cov_day) and positions (cov_*, shift_starts_at) fired the read-mark
--    trigger of their table (two inserts into read_marks) and, for
--    shifts, the order-span trigger, which then found no order, start or
--    end changed.  Neither has anything to do:
--    - The marks.  A roll-up runs only for shifts noted by a write of a
--      shift, a position (the count update below included), an order or
--      a hub (0023); each of these tables marks the business and the
--      market of the rows it writes (read_mark_sources), and the shift
--      and its positions belong to the same business and market.  So
--      the write behind a roll-up has marked its scopes in the same
--      transaction, as for the roll-up tables of 0024.
--    - The span: a roll-up never changes a shift's order, start or end.
--    So krow_coverage_count_add() sets the transaction-local setting
--    krow.rollup to 'on' around the roll-up statement, and these three
--    triggers are made again with WHEN (that setting is not 'on'):
--    shifts_read_marks_update, shift_positions_read_marks_update and
--    shifts_span_update.  A statement trigger's WHEN is evaluated once
--    per statement, before anything is queued.  Every other update (a
--    command, a migration, an operator's UPDATE) still fires them, and
--    so does the count update of krow_coverage_count_add(), which runs
--    outside the setting: it is the only mark of the market when
--    another worker's assignment fills a position.  A subtransaction
--    rolled back restores the setting with the rest.
--
-- krow_coverage_diff() is unchanged; t/check_coverage_counts now also
-- writes 3,000 shifts in one transaction and moves their hub to another
-- time zone.
--
-- Depends on 0012, 0022, 0023, 0024.

-- Shifts ids as the roll-up sees them: the recorded totals and key, the
-- key now (nhub, nday: NULL when the shift does not count), the totals
-- of its positions now, and whether a position's contribution (or its
-- copy of the shift's start) moved.
CREATE FUNCTION krow_coverage_state(ids uuid[])
    RETURNS TABLE (id uuid, tenant_id uuid, business_id uuid,
	starts_at timestamptz, needed integer, filled integer,
	on_site integer, cov_hub uuid, cov_day date, nhub uuid, nday date,
	n integer, f integer, os integer, moved boolean)
    LANGUAGE sql STABLE
    AS $$
	SELECT k.id, k.tenant_id, k.business_id, k.starts_at, k.needed,
	    k.filled, k.on_site, k.cov_hub, k.cov_day, nk.hub, k.day,
	    t.n, t.f, t.os, t.moved
	FROM (SELECT x.id, x.tenant_id, x.business_id, x.hub_id,
	    x.starts_at, x.needed, x.filled, x.on_site, x.cov_hub, x.cov_day,
	    CASE WHEN x.status <> 'cancelled' AND o.status NOT IN ('draft',
		'cancelled') THEN (x.starts_at AT TIME ZONE h.time_zone)::date
		END AS day
	    FROM shifts x JOIN orders o ON o.id = x.order_id
	    JOIN hubs h ON h.id = x.hub_id WHERE x.id = ANY (ids)) k
	CROSS JOIN LATERAL (SELECT CASE WHEN k.day IS NOT NULL
	    THEN k.hub_id END AS hub) nk
	CROSS JOIN LATERAL (SELECT
	    coalesce(sum(sp.headcount) FILTER (WHERE sp.status <>
		'cancelled'), 0)::integer AS n,
	    coalesce(sum(least(sp.headcount, sp.filled_count)) FILTER (WHERE
		sp.status <> 'cancelled'), 0)::integer AS f,
	    coalesce(sum(sp.on_site_count) FILTER (WHERE sp.status <>
		'cancelled'), 0)::integer AS os,
	    coalesce(bool_or(krow_coverage_moved(sp, nk.hub, k.day,
		k.starts_at)), false) AS moved
	    FROM shift_positions sp WHERE sp.shift_id = k.id) t
$$;

-- Add df, da, dos to the counts of positions p (parallel arrays), then
-- roll their shifts and shifts more up (all locked first, in id order)
-- in one statement: the positions whose contribution (or copy of the
-- shift's start) moved (c) and the role rows of the differences, the
-- shifts whose totals or key changed (t), their day rows (the old key's
-- share taken back, the new one's added: a shift moved to another day
-- takes from one and adds to the other) and the shifts themselves.
-- Each roll-up table's rows are written in key order; nothing is
-- written where nothing changed.  Its only caller,
-- krow_coverage_apply(), keeps generic plans (0023) for it.
CREATE OR REPLACE FUNCTION krow_coverage_count_add(p uuid[], df integer[],
    da integer[], dos integer[], more uuid[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
	ids	uuid[];
BEGIN
	-- (those deleted since are left out)
	SELECT array_agg(l.id) INTO ids
	FROM (SELECT x.id FROM shifts x WHERE x.id IN (SELECT sp.shift_id
	    FROM shift_positions sp WHERE sp.id = ANY (p)
	    UNION SELECT m.id FROM unnest(more) m(id))
	    ORDER BY x.id FOR NO KEY UPDATE OF x) l;
	IF ids IS NULL THEN
		RETURN;
	END IF;
	IF p IS NOT NULL THEN
		UPDATE shift_positions sp SET
		    filled_count = sp.filled_count + u.f,
		    applied_count = sp.applied_count + u.a,
		    on_site_count = sp.on_site_count + u.o
		FROM unnest(p, df, da, dos) AS u(id, f, a, o)
		WHERE sp.id = u.id AND sp.shift_id = ANY (ids);
	END IF;
	PERFORM set_config('krow.rollup', 'on', true);
	WITH s AS (SELECT * FROM krow_coverage_state(ids)),
	c AS (SELECT sp.id, s.tenant_id, s.business_id, s.starts_at,
	    sp.cov_hub, sp.cov_day, sp.cov_role, sp.cov_needed,
	    sp.cov_filled,
	    CASE WHEN x.l THEN s.nhub END AS h2,
	    CASE WHEN x.l THEN s.nday END AS d2,
	    CASE WHEN x.l THEN sp.vendor_role_id END AS r2,
	    CASE WHEN x.l THEN sp.headcount END AS n2,
	    CASE WHEN x.l THEN least(sp.headcount, sp.filled_count) END AS f2
	    FROM s JOIN shift_positions sp ON sp.shift_id = s.id
	    CROSS JOIN LATERAL (SELECT sp.status <> 'cancelled'
		AND s.nday IS NOT NULL) x(l)
	    WHERE s.moved
	    AND krow_coverage_moved(sp, s.nhub, s.nday, s.starts_at)),
	u AS (UPDATE shift_positions sp SET cov_hub = c.h2, cov_day = c.d2,
	    cov_role = c.r2, cov_needed = c.n2, cov_filled = c.f2,
	    shift_starts_at = c.starts_at
	    FROM c WHERE sp.id = c.id),
	r AS (INSERT INTO coverage_day_roles AS cr (hub_id, day,
	    vendor_role_id, tenant_id, business_id, needed, filled)
	    SELECT d.h, d.d, d.r, d.t, d.b, sum(d.n), sum(d.f)
	    FROM (SELECT c.cov_hub AS h, c.cov_day AS d, c.cov_role AS r,
		c.tenant_id AS t, c.business_id AS b,
		-c.cov_needed::bigint AS n, -c.cov_filled::bigint AS f
		FROM c WHERE c.cov_day IS NOT NULL
		UNION ALL
		SELECT c.h2, c.d2, c.r2, c.tenant_id, c.business_id, c.n2,
		c.f2 FROM c WHERE c.d2 IS NOT NULL) d
	    GROUP BY d.h, d.d, d.r, d.t, d.b
	    HAVING sum(d.n) <> 0 OR sum(d.f) <> 0
	    ORDER BY d.h, d.d, d.r
	    ON CONFLICT (hub_id, day, vendor_role_id) DO UPDATE SET
		needed = cr.needed + excluded.needed,
		filled = cr.filled + excluded.filled),
	t AS (SELECT s.* FROM s
	    WHERE (s.n, s.f, s.os, s.nhub, s.nday) IS DISTINCT FROM
		(s.needed, s.filled, s.on_site, s.cov_hub, s.cov_day)),
	dd AS (INSERT INTO coverage_days AS cd (hub_id, day, tenant_id,
	    business_id, shifts, needed, filled, on_site, full_shifts)
	    SELECT d.h, d.d, d.t, d.b, sum(d.k), sum(d.n), sum(d.f),
		sum(d.o), sum(d.fu)
	    FROM t CROSS JOIN LATERAL (VALUES (t.cov_hub, t.cov_day,
		t.tenant_id, t.business_id, -1, -t.needed::bigint,
		-t.filled::bigint, -t.on_site::bigint,
		-(t.filled >= t.needed)::integer),
		(t.nhub, t.nday, t.tenant_id, t.business_id, 1, t.n::bigint,
		t.f::bigint, t.os::bigint, (t.f >= t.n)::integer))
		d(h, d, t, b, k, n, f, o, fu)
	    WHERE d.d IS NOT NULL
	    GROUP BY d.h, d.d, d.t, d.b
	    HAVING sum(d.k) <> 0 OR sum(d.n) <> 0 OR sum(d.f) <> 0
		OR sum(d.o) <> 0 OR sum(d.fu) <> 0
	    ORDER BY d.h, d.d
	    ON CONFLICT (hub_id, day) DO UPDATE SET
		shifts = cd.shifts + excluded.shifts,
		needed = cd.needed + excluded.needed,
		filled = cd.filled + excluded.filled,
		on_site = cd.on_site + excluded.on_site,
		full_shifts = cd.full_shifts + excluded.full_shifts)
	UPDATE shifts x SET needed = t.n, filled = t.f, on_site = t.os,
	    cov_hub = t.nhub, cov_day = t.nday
	FROM t WHERE x.id = t.id;
	PERFORM set_config('krow.rollup', '', true);
END
$$;

-- Gone with it: krow_coverage_shift() and krow_coverage_assignments(),
-- the row trigger function of assignments before 0023, which no
-- trigger has called since and which called krow_coverage_shift().
DROP FUNCTION krow_coverage_assignments();
DROP FUNCTION krow_coverage_shift(uuid);

DROP TRIGGER shifts_read_marks_update ON shifts;
CREATE TRIGGER shifts_read_marks_update AFTER UPDATE ON shifts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT
    WHEN (current_setting('krow.rollup', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION krow_read_marks_shifts();

DROP TRIGGER shift_positions_read_marks_update ON shift_positions;
CREATE TRIGGER shift_positions_read_marks_update AFTER UPDATE
    ON shift_positions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT
    WHEN (current_setting('krow.rollup', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION krow_read_marks_shift_positions();

DROP TRIGGER shifts_span_update ON shifts;
CREATE TRIGGER shifts_span_update AFTER UPDATE ON shifts
    REFERENCING OLD TABLE AS old_shifts NEW TABLE AS new_shifts
    FOR EACH STATEMENT
    WHEN (current_setting('krow.rollup', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION krow_orders_span();
