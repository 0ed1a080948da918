-- 0013_spend_days: spend roll-ups kept by the writes.
--
-- The spend reads (spend breakdown, current bill, savings, the
-- dashboard's month spend, cost centers, the staff payments) joined time
-- entries, assignments, positions, shifts, hubs and orders, or scanned
-- invoice lines, on every request.  Now:
--
-- 1. Each time entry carries its spend key and its worth (sd_* and
--    bill_cents, pay_cents), set by a BEFORE trigger from its assignment's
--    position, its shift's hub (the work date is the clock-in date in the
--    hub's zone) and its order (cost center, billing account).  The cents
--    are rounded per entry as the reads always did:
--    round(worked_minutes * rate / 60.0); NULL while the entry is open.
--    A write that changes what the key copies (an order's cost center or
--    billing account, a hub's zone, a position's rates, vendor, role or
--    currency, a shift's hub or order, an assignment's position) asks the
--    entries concerned to recompute by setting sd_hub_id to NULL.
-- 2. spend_days sums, per business, hub, work date, invoiced or not, cost
--    center, billing account, vendor, vendor role and currency, the
--    minutes, cents and entries (or lines) of
--      - invoice lines (invoiced: true; billing_account_id NULL; currency
--        the invoice's; cost center and role as the line has them), and
--      - finished work not invoiced (invoiced: false): time entries
--        closed or approved, not invoiced (billing_account_id as the order
--        has it, NULL meaning the business's default).
--    ref_cents (invoiced rows) is the savings reference of the lines,
--    rounded per line, when a reference rate exists for the role code and
--    currency: sum(round(minutes * reference rate / 60.0)).  Without one
--    it is NULL and the savings read computes the reference of those few
--    lines itself, since it depends on a request parameter (the default
--    reference percentage).
--    Statement triggers on time_entries, invoice_lines and
--    reference_rates keep it: each write adds its signed deltas (a row
--    may go negative for a moment when one statement's triggers run in
--    an order that removes before it adds) and deletes the rows left at
--    zero.  An invoice line carries its invoice's currency
--    (invoice_lines.sd_currency) so that a line deleted with its invoice
--    can still be taken out.  sql/generate.sql runs with the triggers on.
--    spend_months holds the same per month and cost center (the
--    month-to-date reads), kept from the changes of spend_days.
-- 3. krow_spend_days_diff() compares all of it with a computation from
--    scratch and returns what differs (nothing when all is well):
--    t/check_spend_days calls it after each write it makes.
--
-- Depends on 0003.

ALTER TABLE time_entries
	ADD COLUMN sd_hub_id		uuid,
	ADD COLUMN sd_work_date		date,
	ADD COLUMN sd_cost_center_id	uuid,
	ADD COLUMN sd_billing_account_id uuid,
	ADD COLUMN sd_vendor_id		uuid,
	ADD COLUMN sd_vendor_role_id	uuid,
	ADD COLUMN sd_currency		char(3),
	ADD COLUMN bill_cents		bigint,
	ADD COLUMN pay_cents		bigint;

-- The stored key and worth of every entry, computed from scratch.
CREATE FUNCTION krow_time_entry_worth() RETURNS TABLE (id uuid,
    hub_id uuid, work_date date, cost_center_id uuid,
    billing_account_id uuid, vendor_id uuid, vendor_role_id uuid,
    currency char(3), bill_cents bigint, pay_cents bigint)
    LANGUAGE sql STABLE
    AS $$
	SELECT te.id, s.hub_id, (te.clock_in_at AT TIME ZONE h.time_zone)::date,
	    o.cost_center_id, o.billing_account_id, sp.vendor_id,
	    sp.vendor_role_id, sp.currency,
	    round(te.worked_minutes * sp.bill_rate_cents / 60.0)::bigint,
	    round(te.worked_minutes * sp.pay_rate_cents / 60.0)::bigint
	FROM time_entries te
	JOIN assignments a ON a.id = te.assignment_id
	JOIN shift_positions sp ON sp.id = a.position_id
	JOIN shifts s ON s.id = te.shift_id
	JOIN hubs h ON h.id = s.hub_id
	JOIN orders o ON o.id = s.order_id
$$;

UPDATE time_entries te SET sd_hub_id = w.hub_id, sd_work_date = w.work_date,
    sd_cost_center_id = w.cost_center_id,
    sd_billing_account_id = w.billing_account_id,
    sd_vendor_id = w.vendor_id, sd_vendor_role_id = w.vendor_role_id,
    sd_currency = w.currency, bill_cents = w.bill_cents,
    pay_cents = w.pay_cents
FROM krow_time_entry_worth() w WHERE w.id = te.id;

ALTER TABLE time_entries
	ALTER COLUMN sd_hub_id SET NOT NULL,
	ALTER COLUMN sd_work_date SET NOT NULL,
	ALTER COLUMN sd_vendor_id SET NOT NULL,
	ALTER COLUMN sd_vendor_role_id SET NOT NULL,
	ALTER COLUMN sd_currency SET NOT NULL;

-- Before a time entry is written: its key and worth, looked up when the
-- entry is new, when what they depend on changed, or when sd_hub_id was
-- cleared (a recompute asked for by another table's trigger).  Otherwise
-- (the invoiced flag, a status change) the stored values stay.
CREATE FUNCTION krow_time_entry_key() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
	mins	integer;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.sd_hub_id IS NOT NULL AND
	    NEW.assignment_id = OLD.assignment_id AND
	    NEW.shift_id = OLD.shift_id AND
	    NEW.clock_in_at = OLD.clock_in_at AND
	    NEW.clock_out_at IS NOT DISTINCT FROM OLD.clock_out_at AND
	    NEW.break_minutes = OLD.break_minutes THEN
		RETURN NEW;
	END IF;
	-- worked_minutes (generated) is not computed yet: the same formula.
	mins := CASE WHEN NEW.clock_out_at IS NULL THEN NULL
	    ELSE greatest(0, (extract(epoch FROM
	    NEW.clock_out_at - NEW.clock_in_at) / 60)::integer -
	    NEW.break_minutes) END;
	SELECT s.hub_id, (NEW.clock_in_at AT TIME ZONE h.time_zone)::date,
	    o.cost_center_id, o.billing_account_id, sp.vendor_id,
	    sp.vendor_role_id, sp.currency,
	    round(mins * sp.bill_rate_cents / 60.0)::bigint,
	    round(mins * sp.pay_rate_cents / 60.0)::bigint
	INTO NEW.sd_hub_id, NEW.sd_work_date, NEW.sd_cost_center_id,
	    NEW.sd_billing_account_id, NEW.sd_vendor_id,
	    NEW.sd_vendor_role_id, NEW.sd_currency, NEW.bill_cents,
	    NEW.pay_cents
	FROM assignments a
	JOIN shift_positions sp ON sp.id = a.position_id
	JOIN shifts s ON s.id = NEW.shift_id
	JOIN hubs h ON h.id = s.hub_id
	JOIN orders o ON o.id = s.order_id
	WHERE a.id = NEW.assignment_id;
	RETURN NEW;
END
$$;
CREATE TRIGGER time_entries_key BEFORE INSERT OR UPDATE ON time_entries
    FOR EACH ROW EXECUTE FUNCTION krow_time_entry_key();

-- An invoice line carries its invoice's currency (sd_currency): the
-- roll-up's key, readable when the line goes with its invoice (ON DELETE
-- CASCADE: the invoice is no longer there to be read).
ALTER TABLE invoice_lines ADD COLUMN sd_currency char(3);
UPDATE invoice_lines l SET sd_currency = i.currency
FROM invoices i WHERE i.id = l.invoice_id;
ALTER TABLE invoice_lines ALTER COLUMN sd_currency SET NOT NULL;

CREATE FUNCTION krow_invoice_line_currency() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	SELECT i.currency INTO NEW.sd_currency FROM invoices i
	WHERE i.id = NEW.invoice_id;
	RETURN NEW;
END
$$;
CREATE TRIGGER invoice_lines_currency BEFORE INSERT OR UPDATE OF invoice_id
    ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION krow_invoice_line_currency();

CREATE TABLE spend_days (
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	hub_id		uuid NOT NULL,
	work_date	date NOT NULL,
	invoiced	boolean NOT NULL,
	cost_center_id	uuid,
	billing_account_id uuid,
	vendor_id	uuid NOT NULL,
	vendor_role_id	uuid NOT NULL,
	currency	char(3) NOT NULL,
	minutes		bigint NOT NULL,
	cents		bigint NOT NULL,
	entries		bigint NOT NULL,
	ref_cents	bigint,
	CHECK (NOT invoiced OR billing_account_id IS NULL)
);
-- The key, in the order the reads use: a business's invoiced (or not)
-- spend of a hub over a range of dates.
CREATE UNIQUE INDEX spend_days_key_idx ON spend_days (business_id, invoiced,
    hub_id, work_date, cost_center_id, billing_account_id, vendor_id,
    vendor_role_id, currency) NULLS NOT DISTINCT;
-- Rows a write left at zero, deleted at the end of the write.
CREATE INDEX spend_days_zero_idx ON spend_days (business_id)
    WHERE entries = 0;

-- What spend_days should hold, from scratch.
CREATE FUNCTION krow_spend_days_compute() RETURNS TABLE (tenant_id uuid,
    business_id uuid, hub_id uuid, work_date date, invoiced boolean,
    cost_center_id uuid, billing_account_id uuid, vendor_id uuid,
    vendor_role_id uuid, currency char(3), minutes bigint, cents bigint,
    entries bigint, ref_cents bigint)
    LANGUAGE sql STABLE
    AS $$
	SELECT l.tenant_id, l.business_id, l.hub_id, l.work_date, true,
	    l.cost_center_id, NULL::uuid, l.vendor_id, l.vendor_role_id,
	    i.currency, sum(l.minutes), sum(l.amount_cents), count(*),
	    sum(round(l.minutes * rr.rate_cents / 60.0))::bigint
	FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
	JOIN vendor_roles r ON r.id = l.vendor_role_id
	LEFT JOIN reference_rates rr ON rr.tenant_id = l.tenant_id
	    AND rr.role_code = r.role_code AND rr.currency = i.currency
	GROUP BY 1, 2, 3, 4, 6, 8, 9, 10
	UNION ALL
	SELECT te.tenant_id, te.business_id, w.hub_id, w.work_date, false,
	    w.cost_center_id, w.billing_account_id, w.vendor_id,
	    w.vendor_role_id, w.currency, sum(te.worked_minutes),
	    sum(w.bill_cents), count(*), NULL::bigint
	FROM time_entries te JOIN krow_time_entry_worth() w ON w.id = te.id
	WHERE te.status IN ('closed', 'approved') AND NOT te.invoiced
	    AND te.worked_minutes IS NOT NULL
	GROUP BY 1, 2, 3, 4, 6, 7, 8, 9, 10
$$;

-- (in key order: the reads scan a hub's dates)
INSERT INTO spend_days SELECT * FROM krow_spend_days_compute()
ORDER BY business_id, invoiced, hub_id, work_date;

-- The rows a write left at zero.
CREATE FUNCTION krow_spend_days_zero() RETURNS void
    LANGUAGE sql
    AS $$ DELETE FROM spend_days WHERE entries = 0 $$;

-- After time entries are written: take out what the old rows counted
-- (finished, not invoiced), add what the new rows count.
CREATE FUNCTION krow_spend_days_entries() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		INSERT INTO spend_days AS s
		SELECT o.tenant_id, o.business_id, o.sd_hub_id, o.sd_work_date,
		    false, o.sd_cost_center_id, o.sd_billing_account_id,
		    o.sd_vendor_id, o.sd_vendor_role_id, o.sd_currency,
		    -sum(o.worked_minutes), -sum(o.bill_cents), -count(*), NULL
		FROM old_te o
		WHERE o.status IN ('closed', 'approved') AND NOT o.invoiced
		    AND o.worked_minutes IS NOT NULL
		GROUP BY 1, 2, 3, 4, 6, 7, 8, 9, 10
		ON CONFLICT (business_id, hub_id, work_date, invoiced,
		    cost_center_id, billing_account_id, vendor_id,
		    vendor_role_id, currency)
		DO UPDATE SET minutes = s.minutes + excluded.minutes,
		    cents = s.cents + excluded.cents,
		    entries = s.entries + excluded.entries;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO spend_days AS s
		SELECT n.tenant_id, n.business_id, n.sd_hub_id, n.sd_work_date,
		    false, n.sd_cost_center_id, n.sd_billing_account_id,
		    n.sd_vendor_id, n.sd_vendor_role_id, n.sd_currency,
		    sum(n.worked_minutes), sum(n.bill_cents), count(*), NULL
		FROM new_te n
		WHERE n.status IN ('closed', 'approved') AND NOT n.invoiced
		    AND n.worked_minutes IS NOT NULL
		GROUP BY 1, 2, 3, 4, 6, 7, 8, 9, 10
		ON CONFLICT (business_id, hub_id, work_date, invoiced,
		    cost_center_id, billing_account_id, vendor_id,
		    vendor_role_id, currency)
		DO UPDATE SET minutes = s.minutes + excluded.minutes,
		    cents = s.cents + excluded.cents,
		    entries = s.entries + excluded.entries;
	END IF;
	PERFORM krow_spend_days_zero();
	RETURN NULL;
END
$$;
CREATE TRIGGER time_entries_spend_insert AFTER INSERT ON time_entries
    REFERENCING NEW TABLE AS new_te
    FOR EACH STATEMENT EXECUTE FUNCTION krow_spend_days_entries();
CREATE TRIGGER time_entries_spend_update AFTER UPDATE ON time_entries
    REFERENCING OLD TABLE AS old_te NEW TABLE AS new_te
    FOR EACH STATEMENT EXECUTE FUNCTION krow_spend_days_entries();
CREATE TRIGGER time_entries_spend_delete AFTER DELETE ON time_entries
    REFERENCING OLD TABLE AS old_te
    FOR EACH STATEMENT EXECUTE FUNCTION krow_spend_days_entries();

-- After invoice lines are written: the same for the invoiced spend, with
-- the savings reference where the role code has a reference rate.
CREATE FUNCTION krow_spend_days_lines() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		INSERT INTO spend_days AS s
		SELECT l.tenant_id, l.business_id, l.hub_id, l.work_date, true,
		    l.cost_center_id, NULL, l.vendor_id, l.vendor_role_id,
		    l.sd_currency, -sum(l.minutes), -sum(l.amount_cents),
		    -count(*),
		    -sum(round(l.minutes * rr.rate_cents / 60.0))::bigint
		FROM old_lines l JOIN vendor_roles r ON r.id = l.vendor_role_id
		LEFT JOIN reference_rates rr ON rr.tenant_id = l.tenant_id
		    AND rr.role_code = r.role_code
		    AND rr.currency = l.sd_currency
		GROUP BY 1, 2, 3, 4, 6, 8, 9, 10
		ON CONFLICT (business_id, hub_id, work_date, invoiced,
		    cost_center_id, billing_account_id, vendor_id,
		    vendor_role_id, currency)
		DO UPDATE SET minutes = s.minutes + excluded.minutes,
		    cents = s.cents + excluded.cents,
		    entries = s.entries + excluded.entries,
		    ref_cents = s.ref_cents + excluded.ref_cents;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO spend_days AS s
		SELECT l.tenant_id, l.business_id, l.hub_id, l.work_date, true,
		    l.cost_center_id, NULL, l.vendor_id, l.vendor_role_id,
		    l.sd_currency, sum(l.minutes), sum(l.amount_cents),
		    count(*),
		    sum(round(l.minutes * rr.rate_cents / 60.0))::bigint
		FROM new_lines l JOIN vendor_roles r ON r.id = l.vendor_role_id
		LEFT JOIN reference_rates rr ON rr.tenant_id = l.tenant_id
		    AND rr.role_code = r.role_code
		    AND rr.currency = l.sd_currency
		GROUP BY 1, 2, 3, 4, 6, 8, 9, 10
		ON CONFLICT (business_id, hub_id, work_date, invoiced,
		    cost_center_id, billing_account_id, vendor_id,
		    vendor_role_id, currency)
		DO UPDATE SET minutes = s.minutes + excluded.minutes,
		    cents = s.cents + excluded.cents,
		    entries = s.entries + excluded.entries,
		    ref_cents = s.ref_cents + excluded.ref_cents;
	END IF;
	PERFORM krow_spend_days_zero();
	RETURN NULL;
END
$$;
CREATE TRIGGER invoice_lines_spend_insert AFTER INSERT ON invoice_lines
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION krow_spend_days_lines();
CREATE TRIGGER invoice_lines_spend_update AFTER UPDATE ON invoice_lines
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION krow_spend_days_lines();
CREATE TRIGGER invoice_lines_spend_delete AFTER DELETE ON invoice_lines
    REFERENCING OLD TABLE AS old_lines
    FOR EACH STATEMENT EXECUTE FUNCTION krow_spend_days_lines();

-- spend_months: the same sums per month (the first of the month) and
-- cost center only, for the month-to-date reads (the dashboard's month
-- spend, cost centers): a few rows per hub.  Kept from the changes of
-- spend_days (new rows added, old rows taken out).
CREATE TABLE spend_months (
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	invoiced	boolean NOT NULL,
	hub_id		uuid NOT NULL,
	month		date NOT NULL,
	cost_center_id	uuid,
	minutes		bigint NOT NULL,
	cents		bigint NOT NULL,
	entries		bigint NOT NULL
);
CREATE UNIQUE INDEX spend_months_key_idx ON spend_months (business_id,
    invoiced, hub_id, month, cost_center_id) NULLS NOT DISTINCT;
CREATE INDEX spend_months_zero_idx ON spend_months (business_id)
    WHERE entries = 0;
INSERT INTO spend_months
SELECT tenant_id, business_id, invoiced, hub_id,
    date_trunc('month', work_date)::date, cost_center_id, sum(minutes),
    sum(cents), sum(entries)
FROM spend_days GROUP BY 1, 2, 3, 4, 5, 6;

CREATE FUNCTION krow_spend_months() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO spend_months AS m
		SELECT d.tenant_id, d.business_id, d.invoiced, d.hub_id,
		    date_trunc('month', d.work_date)::date, d.cost_center_id,
		    sum(d.minutes), sum(d.cents), sum(d.entries)
		FROM new_days d GROUP BY 1, 2, 3, 4, 5, 6
		HAVING sum(d.entries) <> 0 OR sum(d.minutes) <> 0
		    OR sum(d.cents) <> 0
		ON CONFLICT (business_id, invoiced, hub_id, month,
		    cost_center_id)
		DO UPDATE SET minutes = m.minutes + excluded.minutes,
		    cents = m.cents + excluded.cents,
		    entries = m.entries + excluded.entries;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		INSERT INTO spend_months AS m
		SELECT d.tenant_id, d.business_id, d.invoiced, d.hub_id,
		    date_trunc('month', d.work_date)::date, d.cost_center_id,
		    -sum(d.minutes), -sum(d.cents), -sum(d.entries)
		FROM old_days d GROUP BY 1, 2, 3, 4, 5, 6
		HAVING sum(d.entries) <> 0 OR sum(d.minutes) <> 0
		    OR sum(d.cents) <> 0
		ON CONFLICT (business_id, invoiced, hub_id, month,
		    cost_center_id)
		DO UPDATE SET minutes = m.minutes + excluded.minutes,
		    cents = m.cents + excluded.cents,
		    entries = m.entries + excluded.entries;
	END IF;
	DELETE FROM spend_months WHERE entries = 0;
	RETURN NULL;
END
$$;
CREATE TRIGGER spend_days_months_insert AFTER INSERT ON spend_days
    REFERENCING NEW TABLE AS new_days
    FOR EACH STATEMENT EXECUTE FUNCTION krow_spend_months();
CREATE TRIGGER spend_days_months_update AFTER UPDATE ON spend_days
    REFERENCING OLD TABLE AS old_days NEW TABLE AS new_days
    FOR EACH STATEMENT EXECUTE FUNCTION krow_spend_months();
CREATE TRIGGER spend_days_months_delete AFTER DELETE ON spend_days
    REFERENCING OLD TABLE AS old_days
    FOR EACH STATEMENT EXECUTE FUNCTION krow_spend_months();

-- A reference rate written: the savings references of the tenant's
-- invoiced rows, again.  (No command writes reference rates today.)
CREATE FUNCTION krow_spend_days_refs() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	UPDATE spend_days s SET ref_cents = c.ref_cents
	FROM krow_spend_days_compute() c
	WHERE c.invoiced AND s.invoiced AND s.business_id = c.business_id
	    AND s.hub_id = c.hub_id AND s.work_date = c.work_date
	    AND s.cost_center_id IS NOT DISTINCT FROM c.cost_center_id
	    AND s.vendor_id = c.vendor_id
	    AND s.vendor_role_id = c.vendor_role_id
	    AND s.currency = c.currency
	    AND s.ref_cents IS DISTINCT FROM c.ref_cents;
	RETURN NULL;
END
$$;
CREATE TRIGGER reference_rates_spend AFTER INSERT OR UPDATE OR DELETE
    ON reference_rates
    FOR EACH STATEMENT EXECUTE FUNCTION krow_spend_days_refs();

-- Writes elsewhere that change an entry's key or worth: clear sd_hub_id
-- of the entries concerned so that krow_time_entry_key() looks again.
CREATE FUNCTION krow_time_entries_rekey() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF TG_TABLE_NAME = 'orders' THEN
		UPDATE time_entries te SET sd_hub_id = NULL
		FROM shifts s WHERE s.order_id = NEW.id
		    AND te.shift_id = s.id;
	ELSIF TG_TABLE_NAME = 'hubs' THEN
		UPDATE time_entries te SET sd_hub_id = NULL
		FROM shifts s WHERE s.hub_id = NEW.id
		    AND te.shift_id = s.id;
	ELSIF TG_TABLE_NAME = 'shifts' THEN
		UPDATE time_entries te SET sd_hub_id = NULL
		WHERE te.shift_id = NEW.id;
	ELSIF TG_TABLE_NAME = 'shift_positions' THEN
		UPDATE time_entries te SET sd_hub_id = NULL
		FROM assignments a WHERE a.position_id = NEW.id
		    AND te.assignment_id = a.id;
	ELSIF TG_TABLE_NAME = 'assignments' THEN
		UPDATE time_entries te SET sd_hub_id = NULL
		WHERE te.assignment_id = NEW.id;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER orders_spend_rekey AFTER UPDATE OF cost_center_id,
    billing_account_id, hub_id ON orders FOR EACH ROW
    WHEN (OLD.cost_center_id IS DISTINCT FROM NEW.cost_center_id OR
    OLD.billing_account_id IS DISTINCT FROM NEW.billing_account_id OR
    OLD.hub_id <> NEW.hub_id)
    EXECUTE FUNCTION krow_time_entries_rekey();
CREATE TRIGGER hubs_spend_rekey AFTER UPDATE OF time_zone ON hubs
    FOR EACH ROW WHEN (OLD.time_zone <> NEW.time_zone)
    EXECUTE FUNCTION krow_time_entries_rekey();
CREATE TRIGGER shifts_spend_rekey AFTER UPDATE OF hub_id, order_id ON shifts
    FOR EACH ROW WHEN (OLD.hub_id <> NEW.hub_id OR
    OLD.order_id <> NEW.order_id)
    EXECUTE FUNCTION krow_time_entries_rekey();
CREATE TRIGGER shift_positions_spend_rekey AFTER UPDATE OF bill_rate_cents,
    pay_rate_cents, vendor_id, vendor_role_id, currency ON shift_positions
    FOR EACH ROW WHEN (OLD.bill_rate_cents <> NEW.bill_rate_cents OR
    OLD.pay_rate_cents <> NEW.pay_rate_cents OR
    OLD.vendor_id <> NEW.vendor_id OR
    OLD.vendor_role_id <> NEW.vendor_role_id OR
    OLD.currency <> NEW.currency)
    EXECUTE FUNCTION krow_time_entries_rekey();
CREATE TRIGGER assignments_spend_rekey AFTER UPDATE OF position_id
    ON assignments FOR EACH ROW WHEN (OLD.position_id <> NEW.position_id)
    EXECUTE FUNCTION krow_time_entries_rekey();

-- The open entries of a business (the in-progress part of the current
-- bill, read live).
CREATE INDEX time_entries_open_business_idx ON time_entries (business_id)
    WHERE status = 'open';
-- The staff payments read a worker's finished entries.
CREATE INDEX time_entries_staff_work_idx ON time_entries (staff_id,
    sd_work_date) WHERE status IN ('closed', 'approved');

-- What differs between the stored values and a computation from
-- scratch: one row per difference (what: "entry" or "spend_days"; key:
-- the entry id or the roll-up key; stored and computed values as text).
CREATE FUNCTION krow_spend_days_diff() RETURNS TABLE (what text,
    key text, stored text, computed text)
    LANGUAGE sql STABLE
    AS $$
	SELECT 'entry', te.id::text,
	    row(te.sd_hub_id, te.sd_work_date, te.sd_cost_center_id,
	    te.sd_billing_account_id, te.sd_vendor_id, te.sd_vendor_role_id,
	    te.sd_currency, te.bill_cents, te.pay_cents)::text,
	    row(w.hub_id, w.work_date, w.cost_center_id, w.billing_account_id,
	    w.vendor_id, w.vendor_role_id, w.currency, w.bill_cents,
	    w.pay_cents)::text
	FROM time_entries te JOIN krow_time_entry_worth() w ON w.id = te.id
	WHERE row(te.sd_hub_id, te.sd_work_date, te.sd_cost_center_id,
	    te.sd_billing_account_id, te.sd_vendor_id, te.sd_vendor_role_id,
	    te.sd_currency, te.bill_cents, te.pay_cents) IS DISTINCT FROM
	    row(w.hub_id, w.work_date, w.cost_center_id, w.billing_account_id,
	    w.vendor_id, w.vendor_role_id, w.currency, w.bill_cents,
	    w.pay_cents)
	UNION ALL
	SELECT 'spend_days', row(coalesce(s.business_id, c.business_id),
	    coalesce(s.hub_id, c.hub_id), coalesce(s.work_date, c.work_date),
	    coalesce(s.invoiced, c.invoiced),
	    coalesce(s.cost_center_id, c.cost_center_id),
	    coalesce(s.billing_account_id, c.billing_account_id),
	    coalesce(s.vendor_id, c.vendor_id),
	    coalesce(s.vendor_role_id, c.vendor_role_id),
	    coalesce(s.currency, c.currency))::text,
	    row(s.tenant_id, s.minutes, s.cents, s.entries, s.ref_cents)::text,
	    row(c.tenant_id, c.minutes, c.cents, c.entries, c.ref_cents)::text
	FROM spend_days s FULL JOIN krow_spend_days_compute() c
	ON s.business_id = c.business_id AND s.hub_id = c.hub_id
	    AND s.work_date = c.work_date AND s.invoiced = c.invoiced
	    -- (a FULL JOIN needs equalities: NULL as the nil uuid)
	    AND coalesce(s.cost_center_id,
	    '00000000-0000-0000-0000-000000000000') =
	    coalesce(c.cost_center_id,
	    '00000000-0000-0000-0000-000000000000')
	    AND coalesce(s.billing_account_id,
	    '00000000-0000-0000-0000-000000000000') =
	    coalesce(c.billing_account_id,
	    '00000000-0000-0000-0000-000000000000')
	    AND s.vendor_id = c.vendor_id
	    AND s.vendor_role_id = c.vendor_role_id
	    AND s.currency = c.currency
	WHERE row(s.tenant_id, s.minutes, s.cents, s.entries, s.ref_cents)
	    IS DISTINCT FROM
	    row(c.tenant_id, c.minutes, c.cents, c.entries, c.ref_cents)
	UNION ALL
	SELECT 'spend_months', row(coalesce(s.business_id, c.business_id),
	    coalesce(s.invoiced, c.invoiced), coalesce(s.hub_id, c.hub_id),
	    coalesce(s.month, c.month),
	    coalesce(s.cost_center_id, c.cost_center_id))::text,
	    row(s.tenant_id, s.minutes, s.cents, s.entries)::text,
	    row(c.tenant_id, c.minutes, c.cents, c.entries)::text
	FROM spend_months s FULL JOIN (SELECT tenant_id, business_id,
	    invoiced, hub_id, date_trunc('month', work_date)::date AS month,
	    cost_center_id, sum(minutes)::bigint AS minutes,
	    sum(cents)::bigint AS cents, sum(entries)::bigint AS entries
	    FROM krow_spend_days_compute() GROUP BY 1, 2, 3, 4, 5, 6) c
	ON s.business_id = c.business_id AND s.invoiced = c.invoiced
	    AND s.hub_id = c.hub_id AND s.month = c.month
	    AND coalesce(s.cost_center_id,
	    '00000000-0000-0000-0000-000000000000') =
	    coalesce(c.cost_center_id,
	    '00000000-0000-0000-0000-000000000000')
	WHERE row(s.tenant_id, s.minutes, s.cents, s.entries)
	    IS DISTINCT FROM row(c.tenant_id, c.minutes, c.cents, c.entries)
$$;
