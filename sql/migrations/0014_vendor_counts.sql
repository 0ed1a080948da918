-- 0014_vendor_counts: counts the vendor lists read, kept by the writes.
--
-- vendors.active_staff: the vendor's staff with status 'active'.  GET
-- /query/client/vendors and /query/tenants/:id/vendors show it per
-- vendor; counting it per request read every active staff entry of every
-- vendor of the page (about 500 per vendor at scale 10: 1 ms a page).
-- Statement triggers on staff keep it: they add the difference between
-- the transition tables per vendor, so that concurrent writers add up
-- (a recount would let the second of two concurrent inserts overwrite
-- the first one's count); the row lock of the UPDATE orders them.
--
-- staff_bank_accounts_staff_idx: the profile completion and sections
-- (GET /query/staff/profile-completion, /profile/sections) count the
-- worker's bank accounts not deleted; without it that was a sequential
-- scan of every account of the tenant (1 ms at scale 10).
--
-- Depends on 0001 and 0003.

ALTER TABLE vendors ADD COLUMN active_staff integer NOT NULL DEFAULT 0
    CHECK (active_staff >= 0);

UPDATE vendors v SET active_staff = c.n
FROM (SELECT vendor_id, count(*) AS n FROM staff WHERE status = 'active'
    GROUP BY vendor_id) c
WHERE v.id = c.vendor_id;

CREATE FUNCTION krow_vendors_active_staff() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		UPDATE vendors v SET active_staff = v.active_staff + d.n
		FROM (SELECT vendor_id, count(*) AS n FROM new_staff
		    WHERE status = 'active' GROUP BY vendor_id) d
		WHERE v.id = d.vendor_id;
	ELSIF TG_OP = 'DELETE' THEN
		UPDATE vendors v SET active_staff = v.active_staff - d.n
		FROM (SELECT vendor_id, count(*) AS n FROM old_staff
		    WHERE status = 'active' GROUP BY vendor_id) d
		WHERE v.id = d.vendor_id;
	ELSE
		UPDATE vendors v SET active_staff = v.active_staff + d.n
		FROM (SELECT vendor_id, sum(n) AS n FROM (
		    SELECT vendor_id, 1 AS n FROM new_staff
		    WHERE status = 'active'
		    UNION ALL
		    SELECT vendor_id, -1 FROM old_staff
		    WHERE status = 'active') x
		    GROUP BY vendor_id HAVING sum(n) <> 0) d
		WHERE v.id = d.vendor_id;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER staff_active_count_insert AFTER INSERT ON staff
    REFERENCING NEW TABLE AS new_staff
    FOR EACH STATEMENT EXECUTE FUNCTION krow_vendors_active_staff();
CREATE TRIGGER staff_active_count_update AFTER UPDATE ON staff
    REFERENCING OLD TABLE AS old_staff NEW TABLE AS new_staff
    FOR EACH STATEMENT EXECUTE FUNCTION krow_vendors_active_staff();
CREATE TRIGGER staff_active_count_delete AFTER DELETE ON staff
    REFERENCING OLD TABLE AS old_staff
    FOR EACH STATEMENT EXECUTE FUNCTION krow_vendors_active_staff();

CREATE INDEX staff_bank_accounts_staff_idx ON staff_bank_accounts (staff_id)
    WHERE deleted_at IS NULL;
