-- 0012_coverage_counts: coverage counts kept by the writes, so that the
-- read side stops counting assignments on every request.
--
-- Stored per shift position: filled_count (assignments in the filling
-- states, lib/sqlrules.h SQLR_FILLED, not capped), applied_count and
-- on_site_count (checked in or out), and shift_starts_at (a copy of its
-- shift's start, for the open-positions index below).  Stored per shift:
-- needed (headcount of the positions not cancelled), filled (the sum of
-- least(headcount, filled_count) over them) and on_site.
--
-- Roll-ups of live coverage (a shift not cancelled whose order is not
-- draft or cancelled: LIVE_WHERE in fcgi/query/main.c), per hub and local
-- day of the shift's start in the hub's time zone:
--   coverage_days:      shifts, needed, filled, on_site, full_shifts
--                       (filled >= needed);
--   coverage_day_roles: per vendor role, needed and filled of the
--                       positions not cancelled.
-- Zero rows are left in place (a day whose shifts moved away); readers
-- skip rows with shifts = 0 (needed = 0 for roles).
--
-- What a row contributed is stored with it (shifts.cov_hub, cov_day, and
-- its needed/filled/on_site; shift_positions.cov_*), so that every change
-- is applied as "take back what was added, add what is true now":
-- krow_coverage_shift(id) recomputes one shift and its positions from the
-- current rows and fixes the roll-ups by the difference.  It is called by
-- row triggers on assignments (insert, delete, update of status, position
-- or shift), shift_positions (insert, delete, update of headcount,
-- status, shift or role), shifts (insert, update of status, start, hub or
-- order; a delete takes back the shift's contribution), orders (update of
-- status) and hubs (update of time_zone: every shift of the hub moves to
-- its new local day; PATCH /commands/client/hubs/:hubId may change it, a
-- rare write that costs one call per shift of the hub).  Whatever program
-- writes (commands, tests' fixture SQL, the generator), the counts move
-- in the same transaction.  Concurrency: krow_coverage_shift locks the
-- shift row first (FOR NO KEY UPDATE), so two writers of one shift
-- recompute one after the other, each from what the other committed;
-- the roll-ups are changed by increments, which commute.
--
-- The generator (sql/generate.sql) sets krow.coverage_deferred = on for
-- its transaction (the triggers then do nothing) and calls
-- krow_coverage_rebuild(tenant) at the end: one set-based pass instead of
-- one call per row.
--
-- krow_coverage_diff(business) returns the rows whose stored counts or
-- roll-ups differ from a computation from scratch (none when all is
-- well): the tests call it after each write.
--
-- shift_positions_open_start_idx: the open positions of a role that
-- have a free slot, by start (SQLR_OPENPOS_FROM in lib/sqlrules.h: GET
-- /query/staff/shifts/open, /shifts/:shiftId, /dashboard and the apply
-- command read the worker's roles from now on); shift_positions_open_idx
-- (0009) also holds every past position left open and every full one:
-- at scale 10, 290 rows read for a worker of two roles instead of 1,810.
--
-- Depends on 0003 and 0009.

ALTER TABLE shift_positions
    ADD COLUMN filled_count integer NOT NULL DEFAULT 0,
    ADD COLUMN applied_count integer NOT NULL DEFAULT 0,
    ADD COLUMN on_site_count integer NOT NULL DEFAULT 0,
    ADD COLUMN shift_starts_at timestamptz,
    ADD COLUMN cov_hub uuid,
    ADD COLUMN cov_day date,
    ADD COLUMN cov_role uuid,
    ADD COLUMN cov_needed integer,
    ADD COLUMN cov_filled integer;

ALTER TABLE shifts
    ADD COLUMN needed integer NOT NULL DEFAULT 0,
    ADD COLUMN filled integer NOT NULL DEFAULT 0,
    ADD COLUMN on_site integer NOT NULL DEFAULT 0,
    ADD COLUMN cov_hub uuid,
    ADD COLUMN cov_day date;

CREATE TABLE coverage_days (
	hub_id		uuid NOT NULL,
	day		date NOT NULL,
	tenant_id	uuid NOT NULL,
	business_id	uuid NOT NULL,
	shifts		integer NOT NULL DEFAULT 0,
	needed		bigint NOT NULL DEFAULT 0,
	filled		bigint NOT NULL DEFAULT 0,
	on_site		bigint NOT NULL DEFAULT 0,
	full_shifts	integer NOT NULL DEFAULT 0,
	PRIMARY KEY (hub_id, day)
);

CREATE TABLE coverage_day_roles (
	hub_id		uuid NOT NULL,
	day		date NOT NULL,
	vendor_role_id	uuid NOT NULL,
	tenant_id	uuid NOT NULL,
	business_id	uuid NOT NULL,
	needed		bigint NOT NULL DEFAULT 0,
	filled		bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (hub_id, day, vendor_role_id)
);

-- Add to the day row of hub h (tenant t, business b).
CREATE FUNCTION krow_coverage_day_add(t uuid, b uuid, h uuid, d date,
    ns integer, nn bigint, nf bigint, nos bigint, nfull integer)
    RETURNS void
    LANGUAGE sql
    AS $$
	INSERT INTO coverage_days AS c (hub_id, day, tenant_id, business_id,
	    shifts, needed, filled, on_site, full_shifts)
	VALUES (h, d, t, b, ns, nn, nf, nos, nfull)
	ON CONFLICT (hub_id, day) DO UPDATE SET
	    shifts = c.shifts + excluded.shifts,
	    needed = c.needed + excluded.needed,
	    filled = c.filled + excluded.filled,
	    on_site = c.on_site + excluded.on_site,
	    full_shifts = c.full_shifts + excluded.full_shifts
$$;

CREATE FUNCTION krow_coverage_role_add(t uuid, b uuid, h uuid, d date,
    r uuid, nn bigint, nf bigint)
    RETURNS void
    LANGUAGE sql
    AS $$
	INSERT INTO coverage_day_roles AS c (hub_id, day, vendor_role_id,
	    tenant_id, business_id, needed, filled)
	VALUES (h, d, r, t, b, nn, nf)
	ON CONFLICT (hub_id, day, vendor_role_id) DO UPDATE SET
	    needed = c.needed + excluded.needed,
	    filled = c.filled + excluded.filled
$$;

-- Whether the triggers are off for this transaction (the generator).
CREATE FUNCTION krow_coverage_deferred() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('krow.coverage_deferred', true),
	'') = 'on' $$;

-- Recompute shift sid and its positions from the current rows, and move
-- the roll-ups by the difference with what they contributed.
CREATE FUNCTION krow_coverage_shift(sid uuid) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
	s	record;
	p	record;
	live	boolean;
	tz	text;
	nday	date;
	nhub	uuid;
	n	integer;
	f	integer;
	os	integer;
	pday	date;
BEGIN
	SELECT x.id, x.tenant_id, x.business_id, x.order_id, x.hub_id,
	    x.starts_at, x.status, x.needed, x.filled, x.on_site, x.cov_hub,
	    x.cov_day
	INTO s FROM shifts x WHERE x.id = sid FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RETURN;
	END IF;

	UPDATE shift_positions sp SET filled_count = c.f,
	    applied_count = c.a, on_site_count = c.o,
	    shift_starts_at = s.starts_at
	FROM (SELECT q.id,
	    count(a.id) FILTER (WHERE a.status IN ('assigned', 'confirmed',
		'checked_in', 'checked_out', 'completed'))::integer AS f,
	    count(a.id) FILTER (WHERE a.status = 'applied')::integer AS a,
	    count(a.id) FILTER (WHERE a.status IN ('checked_in',
		'checked_out'))::integer AS o
	    FROM shift_positions q LEFT JOIN assignments a
	    ON a.position_id = q.id
	    WHERE q.shift_id = sid GROUP BY q.id) c
	WHERE sp.id = c.id AND (sp.filled_count, sp.applied_count,
	    sp.on_site_count, sp.shift_starts_at) IS DISTINCT FROM
	    (c.f, c.a, c.o, s.starts_at);

	live := s.status <> 'cancelled' AND EXISTS (SELECT 1 FROM orders o
	    WHERE o.id = s.order_id AND o.status NOT IN ('draft',
	    'cancelled'));
	IF live THEN
		SELECT h.time_zone INTO tz FROM hubs h WHERE h.id = s.hub_id;
		nday := (s.starts_at AT TIME ZONE tz)::date;
		nhub := s.hub_id;
	END IF;

	FOR p IN SELECT sp.id, sp.vendor_role_id, sp.headcount, sp.status,
	    least(sp.headcount, sp.filled_count) AS capped, sp.cov_hub,
	    sp.cov_day, sp.cov_role, sp.cov_needed, sp.cov_filled
	    FROM shift_positions sp WHERE sp.shift_id = sid
	LOOP
		pday := CASE WHEN p.status <> 'cancelled' THEN nday END;
		IF pday IS NULL THEN
			IF p.cov_day IS NULL THEN
				CONTINUE;
			END IF;
		ELSIF (p.cov_hub, p.cov_day, p.cov_role, p.cov_needed,
		    p.cov_filled) IS NOT DISTINCT FROM (nhub, pday,
		    p.vendor_role_id, p.headcount, p.capped) THEN
			CONTINUE;
		END IF;
		IF p.cov_day IS NOT NULL THEN
			PERFORM krow_coverage_role_add(s.tenant_id,
			    s.business_id, p.cov_hub, p.cov_day, p.cov_role,
			    -p.cov_needed, -p.cov_filled);
		END IF;
		IF pday IS NOT NULL THEN
			PERFORM krow_coverage_role_add(s.tenant_id,
			    s.business_id, nhub, pday, p.vendor_role_id,
			    p.headcount, p.capped);
			UPDATE shift_positions SET cov_hub = nhub,
			    cov_day = pday, cov_role = p.vendor_role_id,
			    cov_needed = p.headcount, cov_filled = p.capped
			WHERE id = p.id;
		ELSE
			UPDATE shift_positions SET cov_hub = NULL,
			    cov_day = NULL, cov_role = NULL, cov_needed = NULL,
			    cov_filled = NULL
			WHERE id = p.id;
		END IF;
	END LOOP;

	SELECT coalesce(sum(sp.headcount), 0),
	    coalesce(sum(least(sp.headcount, sp.filled_count)), 0),
	    coalesce(sum(sp.on_site_count), 0)
	INTO n, f, os FROM shift_positions sp
	WHERE sp.shift_id = sid AND sp.status <> 'cancelled';

	IF (n, f, os, nhub, nday) IS NOT DISTINCT FROM (s.needed, s.filled,
	    s.on_site, s.cov_hub, s.cov_day) THEN
		RETURN;
	END IF;
	IF s.cov_day IS NOT NULL THEN
		PERFORM krow_coverage_day_add(s.tenant_id, s.business_id,
		    s.cov_hub, s.cov_day, -1, -s.needed, -s.filled,
		    -s.on_site, -(s.filled >= s.needed)::integer);
	END IF;
	IF nday IS NOT NULL THEN
		PERFORM krow_coverage_day_add(s.tenant_id, s.business_id,
		    nhub, nday, 1, n, f, os, (f >= n)::integer);
	END IF;
	UPDATE shifts SET needed = n, filled = f, on_site = os,
	    cov_hub = nhub, cov_day = nday
	WHERE id = sid;
END
$$;

-- The triggers.
CREATE FUNCTION krow_coverage_assignments() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF krow_coverage_deferred() THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM krow_coverage_shift(OLD.shift_id);
	END IF;
	IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND
	    NEW.shift_id IS DISTINCT FROM OLD.shift_id) THEN
		PERFORM krow_coverage_shift(NEW.shift_id);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER assignments_coverage_ins_del AFTER INSERT OR DELETE
    ON assignments FOR EACH ROW
    EXECUTE FUNCTION krow_coverage_assignments();
CREATE TRIGGER assignments_coverage_upd AFTER UPDATE OF status,
    position_id, shift_id ON assignments FOR EACH ROW
    WHEN ((OLD.status, OLD.position_id, OLD.shift_id) IS DISTINCT FROM
	(NEW.status, NEW.position_id, NEW.shift_id))
    EXECUTE FUNCTION krow_coverage_assignments();

CREATE FUNCTION krow_coverage_positions() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF krow_coverage_deferred() THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' AND OLD.cov_day IS NOT NULL THEN
		PERFORM krow_coverage_role_add(OLD.tenant_id, OLD.business_id,
		    OLD.cov_hub, OLD.cov_day, OLD.cov_role, -OLD.cov_needed,
		    -OLD.cov_filled);
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM krow_coverage_shift(OLD.shift_id);
	END IF;
	IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND
	    NEW.shift_id IS DISTINCT FROM OLD.shift_id) THEN
		PERFORM krow_coverage_shift(NEW.shift_id);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER shift_positions_coverage_ins_del AFTER INSERT OR DELETE
    ON shift_positions FOR EACH ROW
    EXECUTE FUNCTION krow_coverage_positions();
CREATE TRIGGER shift_positions_coverage_upd AFTER UPDATE OF headcount,
    status, shift_id, vendor_role_id ON shift_positions FOR EACH ROW
    WHEN ((OLD.headcount, OLD.status, OLD.shift_id, OLD.vendor_role_id)
	IS DISTINCT FROM
	(NEW.headcount, NEW.status, NEW.shift_id, NEW.vendor_role_id))
    EXECUTE FUNCTION krow_coverage_positions();

CREATE FUNCTION krow_coverage_shifts() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF krow_coverage_deferred() THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' THEN
		IF OLD.cov_day IS NOT NULL THEN
			PERFORM krow_coverage_day_add(OLD.tenant_id,
			    OLD.business_id, OLD.cov_hub, OLD.cov_day, -1,
			    -OLD.needed, -OLD.filled, -OLD.on_site,
			    -(OLD.filled >= OLD.needed)::integer);
		END IF;
		RETURN NULL;
	END IF;
	PERFORM krow_coverage_shift(NEW.id);
	RETURN NULL;
END
$$;
CREATE TRIGGER shifts_coverage_ins_del AFTER INSERT OR DELETE ON shifts
    FOR EACH ROW EXECUTE FUNCTION krow_coverage_shifts();
CREATE TRIGGER shifts_coverage_upd AFTER UPDATE OF status, starts_at,
    hub_id, order_id ON shifts FOR EACH ROW
    WHEN ((OLD.status, OLD.starts_at, OLD.hub_id, OLD.order_id)
	IS DISTINCT FROM (NEW.status, NEW.starts_at, NEW.hub_id, NEW.order_id))
    EXECUTE FUNCTION krow_coverage_shifts();

CREATE FUNCTION krow_coverage_orders() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF krow_coverage_deferred() THEN
		RETURN NULL;
	END IF;
	PERFORM krow_coverage_shift(s.id) FROM shifts s
	WHERE s.order_id = NEW.id;
	RETURN NULL;
END
$$;
CREATE TRIGGER orders_coverage_upd AFTER UPDATE OF status ON orders
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION krow_coverage_orders();

CREATE FUNCTION krow_coverage_hubs() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF krow_coverage_deferred() THEN
		RETURN NULL;
	END IF;
	PERFORM krow_coverage_shift(s.id) FROM shifts s
	WHERE s.hub_id = NEW.id AND s.cov_day IS NOT NULL;
	RETURN NULL;
END
$$;
CREATE TRIGGER hubs_coverage_upd AFTER UPDATE OF time_zone ON hubs
    FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone)
    EXECUTE FUNCTION krow_coverage_hubs();

-- Everything from scratch, for tenant tid (NULL: all): counts, what each
-- row contributed, and the roll-ups.  Set-based (the migration below, the
-- generator).
CREATE FUNCTION krow_coverage_rebuild(tid uuid) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
	UPDATE shift_positions sp SET filled_count = x.f,
	    applied_count = x.a, on_site_count = x.o,
	    shift_starts_at = x.starts_at,
	    cov_hub = CASE WHEN x.on THEN x.hub_id END,
	    cov_day = CASE WHEN x.on THEN x.day END,
	    cov_role = CASE WHEN x.on THEN sp.vendor_role_id END,
	    cov_needed = CASE WHEN x.on THEN sp.headcount END,
	    cov_filled = CASE WHEN x.on THEN least(sp.headcount, x.f) END
	FROM (SELECT q.id, s.starts_at, s.hub_id, lv.day,
	    lv.day IS NOT NULL AND q.status <> 'cancelled' AS on,
	    coalesce(c.f, 0) AS f, coalesce(c.a, 0) AS a,
	    coalesce(c.o, 0) AS o
	    FROM shift_positions q JOIN shifts s ON s.id = q.shift_id
	    CROSS JOIN LATERAL (SELECT CASE WHEN s.status <> 'cancelled' AND
		o.status NOT IN ('draft', 'cancelled')
		THEN (s.starts_at AT TIME ZONE h.time_zone)::date END AS day
		FROM orders o, hubs h WHERE o.id = s.order_id
		AND h.id = s.hub_id) lv
	    LEFT JOIN (SELECT a.position_id,
		count(*) FILTER (WHERE a.status IN ('assigned', 'confirmed',
		    'checked_in', 'checked_out', 'completed'))::integer AS f,
		count(*) FILTER (WHERE a.status = 'applied')::integer AS a,
		count(*) FILTER (WHERE a.status IN ('checked_in',
		    'checked_out'))::integer AS o
		FROM assignments a WHERE tid IS NULL OR a.tenant_id = tid
		GROUP BY a.position_id) c ON c.position_id = q.id
	    WHERE tid IS NULL OR q.tenant_id = tid) x
	WHERE sp.id = x.id;
	UPDATE shifts s SET needed = x.n, filled = x.f, on_site = x.os,
	    cov_hub = CASE WHEN x.day IS NOT NULL THEN s.hub_id END,
	    cov_day = x.day
	FROM (SELECT s2.id, coalesce(sum(sp.headcount), 0) AS n,
	    coalesce(sum(least(sp.headcount, sp.filled_count)), 0) AS f,
	    coalesce(sum(sp.on_site_count), 0) AS os,
	    CASE WHEN s2.status <> 'cancelled' AND o.status NOT IN ('draft',
		'cancelled') THEN (s2.starts_at AT TIME ZONE h.time_zone)::date
		END AS day
	    FROM shifts s2 JOIN orders o ON o.id = s2.order_id
	    JOIN hubs h ON h.id = s2.hub_id
	    LEFT JOIN shift_positions sp
	    ON sp.shift_id = s2.id AND sp.status <> 'cancelled'
	    WHERE tid IS NULL OR s2.tenant_id = tid
	    GROUP BY s2.id, o.status, h.time_zone) x
	WHERE s.id = x.id;
	DELETE FROM coverage_days WHERE tid IS NULL OR tenant_id = tid;
	INSERT INTO coverage_days (hub_id, day, tenant_id, business_id,
	    shifts, needed, filled, on_site, full_shifts)
	SELECT s.cov_hub, s.cov_day, s.tenant_id, s.business_id, count(*),
	    sum(s.needed), sum(s.filled), sum(s.on_site),
	    count(*) FILTER (WHERE s.filled >= s.needed)
	FROM shifts s WHERE s.cov_day IS NOT NULL
	AND (tid IS NULL OR s.tenant_id = tid)
	GROUP BY s.cov_hub, s.cov_day, s.tenant_id, s.business_id;
	DELETE FROM coverage_day_roles WHERE tid IS NULL OR tenant_id = tid;
	INSERT INTO coverage_day_roles (hub_id, day, vendor_role_id,
	    tenant_id, business_id, needed, filled)
	SELECT sp.cov_hub, sp.cov_day, sp.cov_role, sp.tenant_id,
	    sp.business_id, sum(sp.cov_needed), sum(sp.cov_filled)
	FROM shift_positions sp WHERE sp.cov_day IS NOT NULL
	AND (tid IS NULL OR sp.tenant_id = tid)
	GROUP BY sp.cov_hub, sp.cov_day, sp.cov_role, sp.tenant_id,
	    sp.business_id;
END
$$;

-- The stored counts and roll-ups of business bid (NULL: all) that differ
-- from a computation from scratch: one row per difference (what, the
-- row's key, stored, computed); none when all is well.
CREATE FUNCTION krow_coverage_diff(bid uuid)
    RETURNS TABLE (what text, key text, stored text, computed text)
    LANGUAGE sql STABLE
    AS $$
	WITH pc AS (SELECT sp.id, sp.shift_id, sp.vendor_role_id,
	    sp.headcount, sp.status,
	    count(a.id) FILTER (WHERE a.status IN ('assigned', 'confirmed',
		'checked_in', 'checked_out', 'completed'))::integer AS f,
	    count(a.id) FILTER (WHERE a.status = 'applied')::integer AS a,
	    count(a.id) FILTER (WHERE a.status IN ('checked_in',
		'checked_out'))::integer AS o
	    FROM shift_positions sp LEFT JOIN assignments a
	    ON a.position_id = sp.id
	    WHERE bid IS NULL OR sp.business_id = bid GROUP BY sp.id),
	sc AS (SELECT s.id, s.tenant_id, s.business_id, s.hub_id,
	    s.starts_at,
	    coalesce(sum(pc.headcount) FILTER (WHERE pc.status <>
		'cancelled'), 0)::integer AS n,
	    coalesce(sum(least(pc.headcount, pc.f)) FILTER (WHERE pc.status
		<> 'cancelled'), 0)::integer AS f,
	    coalesce(sum(pc.o) FILTER (WHERE pc.status <> 'cancelled'),
		0)::integer AS os,
	    CASE WHEN s.status <> 'cancelled' AND o.status NOT IN ('draft',
		'cancelled') THEN (s.starts_at AT TIME ZONE h.time_zone)::date
		END AS day
	    FROM shifts s JOIN orders o ON o.id = s.order_id
	    JOIN hubs h ON h.id = s.hub_id
	    LEFT JOIN pc ON pc.shift_id = s.id
	    WHERE bid IS NULL OR s.business_id = bid
	    GROUP BY s.id, o.status, h.time_zone),
	dc AS (SELECT hub_id, day, count(*) AS shifts, sum(n) AS needed,
	    sum(f) AS filled, sum(os) AS on_site,
	    count(*) FILTER (WHERE f >= n) AS full_shifts
	    FROM sc WHERE day IS NOT NULL GROUP BY hub_id, day),
	ds AS (SELECT hub_id, day, shifts, needed, filled, on_site,
	    full_shifts FROM coverage_days
	    WHERE (bid IS NULL OR business_id = bid) AND (shifts <> 0
	    OR needed <> 0 OR filled <> 0 OR on_site <> 0
	    OR full_shifts <> 0)),
	rc AS (SELECT sc.hub_id, sc.day, pc.vendor_role_id,
	    sum(pc.headcount) AS needed, sum(least(pc.headcount, pc.f))
	    AS filled FROM sc JOIN pc ON pc.shift_id = sc.id
	    AND pc.status <> 'cancelled' WHERE sc.day IS NOT NULL
	    GROUP BY sc.hub_id, sc.day, pc.vendor_role_id),
	rs AS (SELECT hub_id, day, vendor_role_id, needed, filled
	    FROM coverage_day_roles
	    WHERE (bid IS NULL OR business_id = bid) AND (needed <> 0
	    OR filled <> 0))
	SELECT 'position', p.id::text,
	    format('%s/%s/%s', sp.filled_count, sp.applied_count,
		sp.on_site_count),
	    format('%s/%s/%s', p.f, p.a, p.o)
	FROM pc p JOIN shift_positions sp ON sp.id = p.id
	WHERE (sp.filled_count, sp.applied_count, sp.on_site_count)
	    <> (p.f, p.a, p.o)
	UNION ALL
	SELECT 'shift', c.id::text,
	    format('%s/%s/%s %s', s.needed, s.filled, s.on_site, s.cov_day),
	    format('%s/%s/%s %s', c.n, c.f, c.os, c.day)
	FROM sc c JOIN shifts s ON s.id = c.id
	WHERE (s.needed, s.filled, s.on_site) <> (c.n, c.f, c.os)
	    OR s.cov_day IS DISTINCT FROM c.day
	UNION ALL
	SELECT 'day', coalesce(c.hub_id, s.hub_id)::text || ' ' ||
	    coalesce(c.day, s.day)::text,
	    format('%s', row(s.shifts, s.needed, s.filled, s.on_site,
		s.full_shifts)),
	    format('%s', row(c.shifts, c.needed, c.filled, c.on_site,
		c.full_shifts))
	FROM dc c FULL JOIN ds s ON s.hub_id = c.hub_id AND s.day = c.day
	WHERE row(s.shifts, s.needed, s.filled, s.on_site, s.full_shifts)
	    IS DISTINCT FROM
	    row(c.shifts, c.needed, c.filled, c.on_site, c.full_shifts)
	UNION ALL
	SELECT 'role', coalesce(c.hub_id, s.hub_id)::text || ' ' ||
	    coalesce(c.day, s.day)::text || ' ' ||
	    coalesce(c.vendor_role_id, s.vendor_role_id)::text,
	    format('%s', row(s.needed, s.filled)),
	    format('%s', row(c.needed, c.filled))
	FROM rc c FULL JOIN rs s ON s.hub_id = c.hub_id AND s.day = c.day
	    AND s.vendor_role_id = c.vendor_role_id
	WHERE row(s.needed, s.filled) IS DISTINCT FROM row(c.needed, c.filled)
$$;

SELECT krow_coverage_rebuild(NULL);

CREATE INDEX shift_positions_open_start_idx ON shift_positions
    (vendor_role_id, shift_starts_at) WHERE status = 'open' AND
    filled_count < headcount;
