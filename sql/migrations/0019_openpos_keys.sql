-- 0019_openpos_keys: what the open positions of a worker need, on the
-- position row.
--
-- OPENPOS (lib/sqlrules.h: GET /query/staff/shifts/open, the staff
-- dashboard, apply) read, for every future position of the worker's
-- roles with a free slot, its shift (status, end) and its order (status):
-- two index probes and two heap rows per position, about 290 positions
-- for a worker at scale 10, most of the 10 ms of those reads.  Each
-- position now carries them:
--
--   shift_ends_at	a copy of its shift's ends_at;
--   shift_open		its shift and its shift's order are both open.
--
-- shift_positions_openpos_idx holds exactly the positions that are open
-- with a free slot on an open shift of an open order, in (role, start,
-- id) order, with what the eligibility test reads (INCLUDE): the reads
-- walk it in start order per role and touch no other big table for the
-- rows they reject or only count.  It replaces
-- shift_positions_open_start_idx (0012), used by nothing else.
--
-- Kept in the writer's transaction by the triggers below, for the
-- positions whose status is open (the only ones OPENPOS reads; others
-- keep what they had, and get it again when they open): a position
-- reads its shift and order when written, moved to another shift or
-- opened again; a shift's status, end or order, and an order's status,
-- are copied to its open positions (only those that differ).  Unlike
-- the coverage counts these are kept in the generator too
-- (krow.coverage_deferred is not looked at): the per-row work is small.
-- krow_openpos_diff(business) (NULL: all) lists the open positions
-- whose copies differ from their shift and order (none when all is
-- well; t/check_coverage_counts).
--
-- Locks: only open positions are written, so that a shift that becomes
-- filled (all its positions are) or open again (one of them is) does
-- not lock its other positions, which a concurrent command may hold
-- while it waits for the shift (a new deadlock).  An order's trigger
-- locks its shifts (FOR NO KEY UPDATE, as krow_coverage_orders()
-- already did before it, in trigger name order) before reading their
-- status, so that a concurrent change of a shift and of its order
-- cannot both copy the other's old status; a position written or
-- opened again reads its shift and order FOR SHARE, so that it waits
-- for a change of their status in progress (and one that comes later
-- waits for it, then sees the position open).  Position before shift
-- is the order in which apply and assign already lock (the coverage
-- counts lock the shift after the position); the order row is locked
-- only there and by the order's own status change.
--
-- Depends on 0012 (shift_starts_at, filled_count).

ALTER TABLE shift_positions
    ADD COLUMN shift_ends_at timestamptz,
    ADD COLUMN shift_open boolean NOT NULL DEFAULT false;

UPDATE shift_positions sp SET shift_ends_at = s.ends_at,
    shift_open = (s.status = 'open' AND o.status = 'open')
FROM shifts s JOIN orders o ON o.id = s.order_id
WHERE s.id = sp.shift_id;

CREATE FUNCTION krow_openpos_diff(bid uuid)
    RETURNS TABLE (id uuid, col text, kept text, computed text)
    LANGUAGE sql STABLE
    AS $$
	SELECT sp.id, 'shift_ends_at', sp.shift_ends_at::text,
	    s.ends_at::text
	FROM shift_positions sp JOIN shifts s ON s.id = sp.shift_id
	WHERE (bid IS NULL OR sp.business_id = bid) AND sp.status = 'open'
	AND sp.shift_ends_at IS DISTINCT FROM s.ends_at
	UNION ALL
	SELECT sp.id, 'shift_open', sp.shift_open::text,
	    (s.status = 'open' AND o.status = 'open')::text
	FROM shift_positions sp JOIN shifts s ON s.id = sp.shift_id
	JOIN orders o ON o.id = s.order_id
	WHERE (bid IS NULL OR sp.business_id = bid) AND sp.status = 'open'
	AND sp.shift_open IS DISTINCT FROM
	    (s.status = 'open' AND o.status = 'open')
$$;

-- A position written, moved to another shift or opened again: its
-- shift's copies.
CREATE FUNCTION krow_openpos_position() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	SELECT s.ends_at, s.status = 'open' AND o.status = 'open'
	INTO NEW.shift_ends_at, NEW.shift_open
	FROM shifts s JOIN orders o ON o.id = s.order_id
	WHERE s.id = NEW.shift_id FOR SHARE OF s, o;
	IF NOT FOUND THEN
		NEW.shift_ends_at := NULL;
		NEW.shift_open := false;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER shift_positions_openpos_ins BEFORE INSERT
    ON shift_positions FOR EACH ROW
    EXECUTE FUNCTION krow_openpos_position();
CREATE TRIGGER shift_positions_openpos_upd BEFORE UPDATE OF shift_id, status
    ON shift_positions FOR EACH ROW
    WHEN (OLD.shift_id IS DISTINCT FROM NEW.shift_id OR
	(NEW.status = 'open' AND OLD.status IS DISTINCT FROM 'open'))
    EXECUTE FUNCTION krow_openpos_position();

-- A shift's status, end or order changed: its open positions' copies.
CREATE FUNCTION krow_openpos_shifts() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
	isopen	boolean;
BEGIN
	SELECT NEW.status = 'open' AND o.status = 'open' INTO isopen
	FROM orders o WHERE o.id = NEW.order_id;
	isopen := coalesce(isopen, false);
	UPDATE shift_positions sp SET shift_ends_at = NEW.ends_at,
	    shift_open = isopen
	WHERE sp.shift_id = NEW.id AND sp.status = 'open'
	AND (sp.shift_ends_at, sp.shift_open)
	    IS DISTINCT FROM (NEW.ends_at, isopen);
	RETURN NULL;
END
$$;
CREATE TRIGGER shifts_openpos_upd AFTER UPDATE OF status, ends_at, order_id
    ON shifts FOR EACH ROW
    WHEN ((OLD.status, OLD.ends_at, OLD.order_id) IS DISTINCT FROM
	(NEW.status, NEW.ends_at, NEW.order_id))
    EXECUTE FUNCTION krow_openpos_shifts();

-- An order's status changed: the open positions of its shifts.
CREATE FUNCTION krow_openpos_orders() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	UPDATE shift_positions sp
	SET shift_open = (s.status = 'open' AND NEW.status = 'open')
	FROM (SELECT x.id, x.status FROM shifts x
	    WHERE x.order_id = NEW.id ORDER BY x.id FOR NO KEY UPDATE) s
	WHERE sp.shift_id = s.id AND sp.status = 'open'
	AND sp.shift_open IS DISTINCT FROM
	    (s.status = 'open' AND NEW.status = 'open');
	RETURN NULL;
END
$$;
CREATE TRIGGER orders_openpos_upd AFTER UPDATE OF status ON orders
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION krow_openpos_orders();

DROP INDEX shift_positions_open_start_idx;
CREATE INDEX shift_positions_openpos_idx ON shift_positions
    (vendor_role_id, shift_starts_at, id)
    INCLUDE (tenant_id, vendor_id, business_id, shift_id, shift_ends_at)
    WHERE status = 'open' AND filled_count < headcount AND shift_open;

ANALYZE shift_positions;
