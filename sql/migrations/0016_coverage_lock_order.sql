-- 0016_coverage_lock_order: the coverage roll-ups written in key order.
--
-- krow_coverage_shift() (0012) added to the role rows of a hub and day
-- (coverage_day_roles) one position at a time, in no fixed order.  Two
-- orders created at once for the same hub and day, each with positions
-- of two roles, could take the two rows in opposite orders and deadlock
-- (seen in contrib/bench/commands: 6 deadlocks in 21 orders).  Now the
-- changes of a shift are summed per row and written by one statement in
-- key order, and the two day rows of a shift moved to another day are
-- written in key order too; writers of the same rows wait for each
-- other instead.  And a clock-out no longer recounts its shift (see the
-- trigger at the end).
--
-- Depends on 0012.

CREATE OR REPLACE FUNCTION krow_coverage_shift(sid uuid) RETURNS void
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
	dh	uuid[] := '{}';
	dd	date[] := '{}';
	dr	uuid[] := '{}';
	dn	bigint[] := '{}';
	df	bigint[] := '{}';
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
	    ORDER BY sp.id
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
			dh := dh || p.cov_hub;
			dd := dd || p.cov_day;
			dr := dr || p.cov_role;
			dn := dn || -p.cov_needed::bigint;
			df := df || -p.cov_filled::bigint;
		END IF;
		IF pday IS NOT NULL THEN
			dh := dh || nhub;
			dd := dd || pday;
			dr := dr || p.vendor_role_id;
			dn := dn || p.headcount::bigint;
			df := df || p.capped::bigint;
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
	-- The role rows in key order, each once: writers of one hub and day
	-- lock them in the same order and cannot deadlock on them.
	IF cardinality(dh) > 0 THEN
		INSERT INTO coverage_day_roles AS c (hub_id, day,
		    vendor_role_id, tenant_id, business_id, needed, filled)
		SELECT u.h, u.d, u.r, s.tenant_id, s.business_id, sum(u.n),
		    sum(u.f)
		FROM unnest(dh, dd, dr, dn, df) AS u(h, d, r, n, f)
		GROUP BY u.h, u.d, u.r ORDER BY u.h, u.d, u.r
		ON CONFLICT (hub_id, day, vendor_role_id) DO UPDATE SET
		    needed = c.needed + excluded.needed,
		    filled = c.filled + excluded.filled;
	END IF;

	SELECT coalesce(sum(sp.headcount), 0),
	    coalesce(sum(least(sp.headcount, sp.filled_count)), 0),
	    coalesce(sum(sp.on_site_count), 0)
	INTO n, f, os FROM shift_positions sp
	WHERE sp.shift_id = sid AND sp.status <> 'cancelled';

	IF (n, f, os, nhub, nday) IS NOT DISTINCT FROM (s.needed, s.filled,
	    s.on_site, s.cov_hub, s.cov_day) THEN
		RETURN;
	END IF;
	-- The day rows likewise in key order (a shift moved to another day
	-- takes from one and adds to the other).
	IF s.cov_day IS NOT NULL AND nday IS NOT NULL AND
	    (nhub, nday) < (s.cov_hub, s.cov_day) THEN
		PERFORM krow_coverage_day_add(s.tenant_id, s.business_id,
		    nhub, nday, 1, n, f, os, (f >= n)::integer);
		PERFORM krow_coverage_day_add(s.tenant_id, s.business_id,
		    s.cov_hub, s.cov_day, -1, -s.needed, -s.filled,
		    -s.on_site, -(s.filled >= s.needed)::integer);
	ELSE
		IF s.cov_day IS NOT NULL THEN
			PERFORM krow_coverage_day_add(s.tenant_id,
			    s.business_id, s.cov_hub, s.cov_day, -1,
			    -s.needed, -s.filled, -s.on_site,
			    -(s.filled >= s.needed)::integer);
		END IF;
		IF nday IS NOT NULL THEN
			PERFORM krow_coverage_day_add(s.tenant_id,
			    s.business_id, nhub, nday, 1, n, f, os,
			    (f >= n)::integer);
		END IF;
	END IF;
	UPDATE shifts SET needed = n, filled = f, on_site = os,
	    cov_hub = nhub, cov_day = nday
	WHERE id = sid;
END
$$;


-- An assignment's change of state recounts its shift only when it moves
-- the assignment between the counted classes (filling, applied, on
-- site) or to another position or shift: a clock-out (checked_in to
-- checked_out) changes none of them.
DROP TRIGGER assignments_coverage_upd ON assignments;
CREATE TRIGGER assignments_coverage_upd AFTER UPDATE OF status,
    position_id, shift_id ON assignments FOR EACH ROW
    WHEN (OLD.position_id IS DISTINCT FROM NEW.position_id OR
	OLD.shift_id IS DISTINCT FROM NEW.shift_id OR
	(OLD.status IN ('assigned', 'confirmed', 'checked_in',
	    'checked_out', 'completed')) <>
	(NEW.status IN ('assigned', 'confirmed', 'checked_in',
	    'checked_out', 'completed')) OR
	(OLD.status = 'applied') <> (NEW.status = 'applied') OR
	(OLD.status IN ('checked_in', 'checked_out')) <>
	(NEW.status IN ('checked_in', 'checked_out')))
    EXECUTE FUNCTION krow_coverage_assignments();
