-- generate.sql: a synthetic tenant for benchmarks and the scale test.
--
--	krow-migrate --generate N	(after the migrations, in one transaction)
--
-- krow-migrate runs this file, which only defines the session-local
-- function pg_temp.krow_generate(scale), then calls it with N.  It adds
-- the tenant "scale-N" (nothing when it exists already) with:
--
--   an operator (admin@scale-N.example, uid scale-N-admin);
--   N businesses, each with 5 hubs in different time zones, 4 cost
--   centers, a billing account, an owner (owner@bK.scale-N.example, uid
--   scale-N-owner-K, password "krow-demo-1") and a manager restricted to
--   its first hub (manager@bK..., scale-N-manager-K);
--   max(3, N) vendors with 6 roles each, all approved by every business;
--   500 x N staff spread over the vendors, each with a profile
--   (industries, skills, documents, a certificate, a bank account,
--   benefits, a weekly availability; some items missing or expiring);
--   per business 10,000 orders of 2 shifts (20,000 shifts) from 365 days
--   ago to 35 days ahead, 1 or 2 positions per shift, assignments filling
--   past shifts (a few no-shows) and part of future ones, time entries
--   for all past work, weekly invoices per vendor (paid, approved,
--   disputed, pending by age) with one line per time entry, and weekly
--   staff payments.  The coverage counts (0012) are not kept row by row
--   meanwhile: krow_coverage_rebuild() computes the tenant's at the end.
--
-- So N = 10 gives 10 businesses, 5,000 staff, 200,000 shifts, about
-- 515,000 assignments and 473,000 time entries.  Random choices use
-- setseed(), so one N always gives the same shape (ids are random).

CREATE FUNCTION pg_temp.krow_generate(scale integer) RETURNS text
    LANGUAGE plpgsql
    AS $fn$
DECLARE
	t		uuid;
	slug		text := 'scale-' || scale;
	nvendors	integer := greatest(3, scale);
	nstaff		integer := 500 * scale;
	norders		integer := 10000;	-- per business
	pwhash		text := '$scrypt$ln=15,r=8,p=1$hWQuZtGDg1ecjLkofNBckg=='
			    '$uCKgzSDdgsVtEQCQuiFAyg3twmZ62WfeVOJPeRzPIc0=';
	today		date := current_date;
BEGIN
	IF scale < 1 OR scale > 1000 THEN
		RAISE EXCEPTION 'scale must be 1..1000, not %', scale;
	END IF;
	IF EXISTS (SELECT 1 FROM tenants WHERE tenants.slug =
	    'scale-' || scale) THEN
		RETURN 'tenant ' || slug || ' exists already, nothing generated';
	END IF;
	PERFORM setseed(0.42);
	-- The coverage counts (0012) are computed once at the end, not by
	-- the triggers row by row.
	PERFORM set_config('krow.coverage_deferred', 'on', true);

	INSERT INTO tenants (slug, name) VALUES (slug, 'Scale tenant ' || scale)
	    RETURNING id INTO t;

	-- Vendors and their roles.
	CREATE TEMP TABLE g_vendors ON COMMIT DROP AS
	SELECT v AS n, gen_random_uuid() AS id FROM generate_series(1, nvendors) v;
	INSERT INTO vendors (id, tenant_id, name, email)
	SELECT id, t, 'Vendor ' || n, 'dispatch@v' || n || '.' || slug || '.example'
	FROM g_vendors;
	CREATE TEMP TABLE g_roles ON COMMIT DROP AS
	SELECT gen_random_uuid() AS id, v.id AS vendor_id, v.n AS vn, r.k,
	    r.code, r.name, r.bill + (v.n % 5) * 100 AS bill,
	    r.pay + (v.n % 5) * 50 AS pay
	FROM g_vendors v, (VALUES
	    (0, 'bartender', 'Bartender', 3500, 2200),
	    (1, 'server', 'Server', 3000, 1900),
	    (2, 'cook', 'Line Cook', 3800, 2500),
	    (3, 'dishwasher', 'Dishwasher', 2400, 1600),
	    (4, 'event_setup', 'Event Setup Crew', 2800, 1800),
	    (5, 'security', 'Security Guard', 4200, 2800)) r(k, code, name,
	    bill, pay);
	INSERT INTO vendor_roles (id, tenant_id, vendor_id, role_code, name,
	    bill_rate_cents, pay_rate_cents)
	SELECT id, t, vendor_id, code, name, bill, pay FROM g_roles;
	INSERT INTO reference_rates (tenant_id, role_code, rate_cents)
	SELECT DISTINCT ON (code) t, code, bill + 600 FROM g_roles
	ORDER BY code;

	-- Staff: staff number s belongs to vendor 1 + s % nvendors; vn_idx
	-- is its index among its vendor's staff.
	CREATE TEMP TABLE g_staff ON COMMIT DROP AS
	SELECT s AS n, gen_random_uuid() AS id, v.id AS vendor_id, v.n AS vn,
	    s / nvendors AS idx
	FROM generate_series(0, nstaff - 1) s
	JOIN g_vendors v ON v.n = 1 + s % nvendors;
	CREATE INDEX ON g_staff (vn, idx);
	INSERT INTO staff (id, tenant_id, vendor_id, first_name, last_name,
	    email, phone, status)
	SELECT id, t, vendor_id,
	    (ARRAY['Alex','Sam','Maya','Luis','Priya','Jordan','Aisha','Tom',
	    'Nina','Kenji','Grace','Omar','Lena','Ravi','Zoe','Ivan'])
	    [1 + n % 16],
	    (ARRAY['Rivera','Chen','Ortega','Patel','Lee','Bello','Becker',
	    'Rossi','Sato','Kim','Haddad','Novak','Singh','Moreau','Quinn',
	    'Silva','Young'])[1 + (n / 16) % 17] || ' ' || n,
	    's' || n || '@' || slug || '.example', NULL,
	    CASE WHEN n % 50 = 0 THEN 'onboarding' ELSE 'active' END
	FROM g_staff;
	INSERT INTO staff_roles (tenant_id, vendor_id, staff_id, vendor_role_id)
	SELECT t, s.vendor_id, s.id, r.id
	FROM g_staff s JOIN g_roles r ON r.vendor_id = s.vendor_id AND
	    r.k IN (s.n % 6, (s.n + 1) % 6);

	-- Staff profiles, what the worker's profile screens read: a
	-- profile, 2 industries, 2 skills, an ID (pending for 1 in 10), a
	-- tax form (missing for 1 in 8), a work permit (pending) for 1 in
	-- 5, a food handler certificate (expiring within 30 days for 1 in
	-- 12), a default bank account (none for 1 in 15), 2 benefits, for
	-- 1 in 20 a weekly availability of 6 days from 06:00 to 23:59 (New
	-- York time; only 1 in 20: the time zone trigger of
	-- staff_availability takes about 15 ms a row), and for 1 in 4 a day
	-- off within the next 2 weeks.
	INSERT INTO staff_profiles (staff_id, tenant_id, date_of_birth, city,
	    country, emergency_contact_name, emergency_contact_phone, rating)
	SELECT id, t, date '1970-01-01' + (n * 37) % 12000, 'New York', 'US',
	    'Contact ' || n, '+1555' || lpad((n % 10000000)::text, 7, '0'),
	    3 + (n % 20) / 10.0
	FROM g_staff;
	INSERT INTO staff_industries (tenant_id, staff_id, industry,
	    years_experience)
	SELECT t, id, i, n % 12 FROM g_staff,
	    unnest(ARRAY['hospitality', 'events']) i;
	INSERT INTO staff_skills (tenant_id, staff_id, skill, level)
	SELECT t, id, k, (ARRAY['beginner', 'intermediate', 'advanced',
	    'expert'])[1 + n % 4]
	FROM g_staff, unnest(ARRAY['customer_service', 'food_safety']) k;
	INSERT INTO staff_documents (tenant_id, staff_id, doc_type, file_id,
	    file_name, status, uploaded_at, reviewed_at)
	SELECT t, id, d, 'gen/' || n || '/' || d, d || '.pdf',
	    CASE WHEN d = 'work_permit' OR (d = 'id_card' AND n % 10 = 0)
	        THEN 'pending' ELSE 'verified' END,
	    now() - interval '200 days', CASE WHEN NOT (d = 'work_permit' OR
	    (d = 'id_card' AND n % 10 = 0)) THEN now() - interval '199 days'
	    END
	FROM g_staff, unnest(ARRAY['id_card', 'tax_form', 'work_permit']) d
	WHERE (d <> 'tax_form' OR n % 8 <> 0) AND
	    (d <> 'work_permit' OR n % 5 = 0);
	INSERT INTO staff_certificates (tenant_id, staff_id, name, issuer,
	    issued_on, expires_on, verification_status, verified_at)
	SELECT t, id, 'Food Handler', 'County Health Department',
	    today - 300, CASE WHEN n % 12 = 0 THEN today + 5 + n % 20
	        ELSE today + 60 + n % 600 END, 'verified',
	    now() - interval '290 days'
	FROM g_staff;
	INSERT INTO staff_bank_accounts (tenant_id, staff_id, holder_name,
	    bank_name, account_last4, routing_last4, provider_token,
	    is_default)
	SELECT t, id, 'Worker ' || n, 'First Bank',
	    lpad((n % 10000)::text, 4, '0'), '0021', 'tok_gen_' || id, true
	FROM g_staff WHERE n % 15 <> 0;
	INSERT INTO staff_benefits (tenant_id, staff_id, benefit, status,
	    enrolled_at)
	SELECT t, id, b, CASE WHEN b = 'health' THEN 'enrolled'
	    ELSE 'eligible' END,
	    CASE WHEN b = 'health' THEN now() - interval '180 days' END
	FROM g_staff, unnest(ARRAY['health', 'paid_time_off']) b;
	INSERT INTO staff_availability (tenant_id, staff_id, day_of_week,
	    start_time, end_time, time_zone)
	SELECT t, id, d, time '06:00', time '23:59', 'America/New_York'
	FROM g_staff, generate_series(0, 6) d WHERE d <> n % 7 AND n % 20 = 7;
	INSERT INTO staff_availability_exceptions (tenant_id, staff_id, day,
	    available, reason)
	SELECT t, id, today + n % 14, false, 'Personal day'
	FROM g_staff WHERE n % 4 = 0;

	-- Businesses, hubs, cost centers, billing accounts, users.
	CREATE TEMP TABLE g_biz ON COMMIT DROP AS
	SELECT b AS n, gen_random_uuid() AS id FROM generate_series(1, scale) b;
	INSERT INTO businesses (id, tenant_id, name, email)
	SELECT id, t, 'Business ' || n, 'ops@b' || n || '.' || slug || '.example'
	FROM g_biz;
	CREATE TEMP TABLE g_hubs ON COMMIT DROP AS
	SELECT gen_random_uuid() AS id, b.id AS business_id, b.n AS bn, z.k,
	    z.tz, z.lat, z.lng, z.city
	FROM g_biz b, (VALUES
	    (0, 'America/New_York', 40.7516, -73.9776, 'New York'),
	    (1, 'America/Chicago', 41.8781, -87.6298, 'Chicago'),
	    (2, 'America/Los_Angeles', 34.0522, -118.2437, 'Los Angeles'),
	    (3, 'Europe/London', 51.5074, -0.1278, 'London'),
	    (4, 'Pacific/Auckland', -36.8485, 174.7633, 'Auckland'))
	    z(k, tz, lat, lng, city);
	INSERT INTO hubs (id, tenant_id, business_id, name, city, time_zone,
	    latitude, longitude, geofence_radius_m)
	SELECT id, t, business_id, city || ' venue ' || bn, city, tz, lat, lng,
	    150 FROM g_hubs;
	INSERT INTO nfc_tags (tenant_id, business_id, hub_id, tag_uid, label)
	SELECT t, business_id, id,
	    upper(substr(replace(id::text, '-', ''), 1, 14)), 'Entrance'
	FROM g_hubs;
	CREATE TEMP TABLE g_cc ON COMMIT DROP AS
	SELECT gen_random_uuid() AS id, b.id AS business_id, c.k, c.code, c.name
	FROM g_biz b, (VALUES (0, 'EVT', 'Events'), (1, 'FNB',
	    'Food and Beverage'), (2, 'HSK', 'Housekeeping'), (3, 'SEC',
	    'Security')) c(k, code, name);
	INSERT INTO cost_centers (id, tenant_id, business_id, code, name)
	SELECT id, t, business_id, code, name FROM g_cc;
	CREATE TEMP TABLE g_ba ON COMMIT DROP AS
	SELECT gen_random_uuid() AS id, b.id AS business_id FROM g_biz b;
	INSERT INTO billing_accounts (id, tenant_id, business_id, name,
	    billing_email, is_default)
	SELECT a.id, t, a.business_id, 'Main account', 'ap@b' || b.n || '.' ||
	    slug || '.example', true
	FROM g_ba a JOIN g_biz b ON b.id = a.business_id;
	INSERT INTO local_accounts (uid, email, password_hash)
	SELECT slug || '-' || k || '-' || b.n, k || '@b' || b.n || '.' ||
	    slug || '.example', pwhash
	FROM g_biz b, (VALUES ('owner'), ('manager')) r(k);
	INSERT INTO users (tenant_id, provider, provider_uid, actor,
	    business_id, role, email, display_name)
	SELECT t, 'local', slug || '-' || k || '-' || b.n, 'client', b.id, k,
	    k || '@b' || b.n || '.' || slug || '.example',
	    initcap(k) || ' ' || b.n
	FROM g_biz b, (VALUES ('owner'), ('manager')) r(k);
	INSERT INTO local_accounts (uid, email, password_hash)
	VALUES (slug || '-admin', 'admin@' || slug || '.example', pwhash);
	INSERT INTO users (tenant_id, provider, provider_uid, actor, email,
	    display_name)
	VALUES (t, 'local', slug || '-admin', 'admin', 'admin@' || slug ||
	    '.example', 'Operator ' || scale);
	INSERT INTO hub_managers (tenant_id, business_id, hub_id, user_id)
	SELECT t, h.business_id, h.id, u.id
	FROM g_hubs h JOIN users u ON u.business_id = h.business_id AND
	    u.role = 'manager'
	WHERE h.k = 0;
	INSERT INTO business_vendors (tenant_id, business_id, vendor_id, status,
	    approved_at)
	SELECT t, b.id, v.id, 'approved', now() - interval '400 days'
	FROM g_biz b, g_vendors v;

	-- Orders (2 shifts each, on consecutive days at one hub).
	CREATE TEMP TABLE g_orders ON COMMIT DROP AS
	SELECT gen_random_uuid() AS id, b.id AS business_id, b.n AS bn, o AS n,
	    h.id AS hub_id, h.tz, c.id AS cc_id,
	    (-365 + (o * 401 / norders))::integer AS day0
	FROM g_biz b
	CROSS JOIN generate_series(0, norders - 1) o
	JOIN g_hubs h ON h.business_id = b.id AND h.k = o % 5
	JOIN g_cc c ON c.business_id = b.id AND c.k = (o / 5) % 4;
	INSERT INTO orders (id, tenant_id, business_id, hub_id, cost_center_id,
	    order_number, title, status, created_at)
	SELECT id, t, business_id, hub_id, cc_id, 'G-' || bn || '-' || n,
	    'Order ' || n,
	    CASE WHEN day0 + 1 < 0 THEN 'completed'
	        WHEN day0 <= 0 THEN 'in_progress'
	        WHEN n % 7 = 0 THEN 'filled' ELSE 'open' END,
	    ((today + day0 - 7)::timestamp AT TIME ZONE tz)
	FROM g_orders;

	CREATE TEMP TABLE g_shifts ON COMMIT DROP AS
	SELECT gen_random_uuid() AS id, o.id AS order_id, o.business_id,
	    o.hub_id, o.tz, o.n * 2 + d AS n, o.day0 + d AS day,
	    ((today + o.day0 + d) + make_time(7 + (o.n % 12), 0, 0))
	    AT TIME ZONE o.tz AS starts_at,
	    4 + (o.n % 5) AS hours
	FROM g_orders o CROSS JOIN generate_series(0, 1) d;
	INSERT INTO shifts (id, tenant_id, business_id, order_id, hub_id,
	    starts_at, ends_at, break_minutes, status)
	SELECT id, t, business_id, order_id, hub_id, starts_at,
	    starts_at + make_interval(hours => hours), 30,
	    CASE WHEN starts_at + make_interval(hours => hours) < now()
	        THEN 'completed' WHEN starts_at < now() THEN 'in_progress'
	        ELSE 'open' END
	FROM g_shifts;

	-- Positions: 1, or 2 for every third shift; vendor and role rotate.
	CREATE TEMP TABLE g_pos ON COMMIT DROP AS
	SELECT gen_random_uuid() AS id, s.id AS shift_id, s.business_id,
	    s.n AS sn, p AS pn, s.starts_at, s.hours, s.hub_id, s.tz,
	    r.id AS role_id, r.vendor_id, r.vn, r.bill, r.pay,
	    1 + (s.n + p) % 3 AS headcount
	FROM g_shifts s
	CROSS JOIN generate_series(0, 1) p
	JOIN g_roles r ON r.vn = 1 + (s.n / 2 + p) % nvendors AND
	    r.k = (s.n + 2 * p) % 6
	WHERE p = 0 OR s.n % 3 = 0;
	INSERT INTO shift_positions (id, tenant_id, business_id, shift_id,
	    vendor_id, vendor_role_id, headcount, bill_rate_cents,
	    pay_rate_cents)
	SELECT id, t, business_id, shift_id, vendor_id, role_id, headcount,
	    bill, pay FROM g_pos;

	-- Assignments: past positions filled (1 in 40 a no-show), future
	-- ones partly (the nearer, the fuller).  Worker k of position p of
	-- shift s is staff (s * 7 + p * 3 + k) mod the vendor's staff count:
	-- distinct within a shift.
	CREATE TEMP TABLE g_asg ON COMMIT DROP AS
	SELECT gen_random_uuid() AS id, p.id AS position_id, p.shift_id,
	    p.business_id, p.vendor_id, st.id AS staff_id, p.starts_at,
	    p.hours, p.bill, p.pay, p.hub_id, p.tz, p.role_id,
	    CASE WHEN p.starts_at + make_interval(hours => p.hours) < now()
	        THEN CASE WHEN (p.sn + k) % 40 = 0 THEN 'no_show'
	            ELSE 'completed' END
	        WHEN p.starts_at < now() THEN 'checked_in'
	        WHEN (p.sn + k) % 4 = 0 THEN 'applied'
	        WHEN (p.sn + k) % 4 = 1 THEN 'assigned'
	        ELSE 'confirmed' END AS status
	FROM g_pos p
	CROSS JOIN LATERAL generate_series(0, p.headcount - 1) k
	JOIN LATERAL (SELECT count(*) AS c FROM g_staff x WHERE x.vn = p.vn) vc
	    ON true
	JOIN g_staff st ON st.vn = p.vn AND
	    st.idx = (p.sn * 7 + p.pn * 3 + k) % vc.c
	WHERE p.starts_at < now() OR
	    (p.sn + k) % 3 <> 0;
	-- A worker may not clock in twice at once: only the first live
	-- check-in per worker stays checked in, others are confirmed.
	UPDATE g_asg a SET status = 'confirmed'
	WHERE status = 'checked_in' AND id <> (SELECT b.id FROM g_asg b
	    WHERE b.staff_id = a.staff_id AND b.status = 'checked_in'
	    ORDER BY b.id LIMIT 1);
	INSERT INTO assignments (id, tenant_id, business_id, shift_id,
	    position_id, vendor_id, staff_id, status, applied_at, assigned_at,
	    confirmed_at, checked_in_at, checked_out_at, completed_at)
	SELECT id, t, business_id, shift_id, position_id, vendor_id, staff_id,
	    status, starts_at - interval '6 days',
	    CASE WHEN status <> 'applied' THEN starts_at - interval '5 days' END,
	    CASE WHEN status NOT IN ('applied', 'assigned')
	        THEN starts_at - interval '4 days' END,
	    CASE WHEN status IN ('completed', 'checked_in')
	        THEN starts_at - interval '3 minutes' END,
	    CASE WHEN status = 'completed'
	        THEN starts_at + make_interval(hours => hours) END,
	    CASE WHEN status = 'completed'
	        THEN starts_at + make_interval(hours => hours, mins => 30) END
	FROM g_asg;

	-- A position whose slots are all taken is filled, and a future
	-- shift whose positions all are, as the order commands leave them
	-- (taken: the states of SQLR_FILLED in lib/sqlrules.h).
	UPDATE shift_positions sp SET status = 'filled'
	FROM (SELECT position_id, count(*) AS n FROM g_asg
	    WHERE status IN ('assigned', 'confirmed', 'checked_in',
	    'checked_out', 'completed')
	    GROUP BY position_id) f
	WHERE sp.id = f.position_id AND f.n >= sp.headcount;
	UPDATE shifts s SET status = 'filled'
	FROM g_shifts g
	WHERE s.id = g.id AND s.status = 'open' AND NOT EXISTS (SELECT 1
	    FROM shift_positions sp WHERE sp.shift_id = s.id AND
	    sp.status = 'open');

	-- Time entries for the work done.
	CREATE TEMP TABLE g_te ON COMMIT DROP AS
	SELECT gen_random_uuid() AS id, a.id AS assignment_id, a.business_id,
	    a.staff_id, a.shift_id, a.vendor_id, a.role_id, a.hub_id, a.tz,
	    a.bill, a.pay, a.status, a.starts_at - interval '3 minutes' AS cin,
	    CASE WHEN a.status = 'completed'
	        THEN a.starts_at + make_interval(hours => a.hours,
	        mins => (hashtext(a.id::text) & 15)) END AS cout,
	    ((a.starts_at AT TIME ZONE a.tz)::date) AS work_date
	FROM g_asg a WHERE a.status IN ('completed', 'checked_in');
	INSERT INTO time_entries (id, tenant_id, business_id, assignment_id,
	    staff_id, shift_id, clock_in_at, clock_out_at, clock_in_method,
	    clock_out_method, clock_in_latitude, clock_in_longitude,
	    break_minutes, status)
	SELECT e.id, t, e.business_id, e.assignment_id, e.staff_id, e.shift_id,
	    e.cin, e.cout, 'geofence',
	    CASE WHEN e.cout IS NOT NULL THEN 'geofence' END,
	    h.latitude, h.longitude, 30,
	    CASE WHEN e.cout IS NULL THEN 'open'
	        WHEN e.work_date < today - 7 THEN 'approved' ELSE 'closed' END
	FROM g_te e JOIN hubs h ON h.id = e.hub_id;

	-- Weekly invoices per business and vendor for weeks before the
	-- current one.
	CREATE TEMP TABLE g_inv ON COMMIT DROP AS
	SELECT gen_random_uuid() AS id, x.business_id, x.vendor_id, x.wk,
	    row_number() OVER (ORDER BY x.business_id, x.vendor_id, x.wk) AS n
	FROM (SELECT DISTINCT e.business_id, e.vendor_id,
	    date_trunc('week', e.work_date)::date AS wk
	    FROM g_te e JOIN time_entries te ON te.id = e.id
	    WHERE te.status = 'approved') x;
	INSERT INTO invoices (id, tenant_id, business_id, vendor_id,
	    billing_account_id, invoice_number, period_start, period_end,
	    issued_at, due_date, status, approved_at, disputed_at,
	    dispute_reason, paid_at)
	SELECT i.id, t, i.business_id, i.vendor_id, ba.id,
	    'G' || scale || '-' || i.n, i.wk, i.wk + 6,
	    (i.wk + 8)::timestamptz, i.wk + 38,
	    s.st,
	    CASE WHEN s.st IN ('approved', 'paid')
	        THEN (i.wk + 10)::timestamptz END,
	    CASE WHEN s.st = 'disputed' THEN (i.wk + 9)::timestamptz END,
	    CASE WHEN s.st = 'disputed' THEN 'Hours do not match the site log'
	        END,
	    CASE WHEN s.st = 'paid' THEN (i.wk + 30)::timestamptz END
	FROM g_inv i
	JOIN g_ba ba ON ba.business_id = i.business_id
	CROSS JOIN LATERAL (SELECT CASE
	    WHEN i.n % 23 = 0 THEN 'disputed'
	    WHEN i.wk < today - 35 THEN 'paid'
	    WHEN i.wk < today - 21 THEN 'approved'
	    ELSE 'pending' END) s(st);
	INSERT INTO invoice_lines (tenant_id, business_id, invoice_id,
	    vendor_id, time_entry_id, hub_id, cost_center_id, vendor_role_id,
	    staff_id, work_date, description, minutes, rate_cents,
	    amount_cents)
	SELECT t, e.business_id, i.id, e.vendor_id, e.id, e.hub_id,
	    o.cost_center_id, e.role_id, e.staff_id, e.work_date, 'Shift work',
	    te.worked_minutes, e.bill,
	    round(te.worked_minutes * e.bill / 60.0)
	FROM g_te e
	JOIN time_entries te ON te.id = e.id AND te.status = 'approved'
	JOIN shifts s ON s.id = e.shift_id
	JOIN orders o ON o.id = s.order_id
	JOIN g_inv i ON i.business_id = e.business_id AND
	    i.vendor_id = e.vendor_id AND
	    i.wk = date_trunc('week', e.work_date)::date;
	UPDATE invoices v SET subtotal_cents = x.s,
	    tax_cents = round(x.s * 0.08875),
	    total_cents = x.s + round(x.s * 0.08875)
	FROM (SELECT invoice_id, sum(amount_cents) AS s FROM invoice_lines
	    WHERE tenant_id = t GROUP BY invoice_id) x
	WHERE v.id = x.invoice_id;

	-- Weekly staff payments of invoiced work.
	INSERT INTO staff_payments (tenant_id, vendor_id, staff_id,
	    period_start, period_end, shifts_count, minutes_worked,
	    gross_cents, net_cents, status, paid_at)
	SELECT t, e.vendor_id, e.staff_id, date_trunc('week', e.work_date)::date,
	    date_trunc('week', e.work_date)::date + 6, count(*),
	    sum(te.worked_minutes), sum(round(te.worked_minutes * e.pay / 60.0)),
	    sum(round(te.worked_minutes * e.pay / 60.0)),
	    CASE WHEN max(e.work_date) < today - 14 THEN 'paid'
	        ELSE 'pending' END,
	    CASE WHEN max(e.work_date) < today - 14
	        THEN (date_trunc('week', max(e.work_date)) +
	        interval '10 days') END
	FROM g_te e
	JOIN time_entries te ON te.id = e.id AND te.status = 'approved'
	GROUP BY e.vendor_id, e.staff_id, date_trunc('week', e.work_date);

	-- Fresh statistics of everything the tenant added: the plans of the
	-- rebuild, and of the first reads (the scale test and the benchmarks
	-- read at once; autovacuum would get there only later).  Without
	-- them, in a database whose statistics still describe small tables,
	-- the rebuild can re-aggregate the assignments per position.
	ANALYZE;
	PERFORM krow_coverage_rebuild(t);
	PERFORM set_config('krow.coverage_deferred', 'off', true);
	-- The rebuild rewrote every shift and position row.
	ANALYZE shifts, shift_positions, coverage_days, coverage_day_roles;

	RETURN format('tenant %s (%s): %s businesses, %s vendors, %s staff, '
	    '%s shifts, %s assignments, %s time entries, %s invoices',
	    slug, t, scale, nvendors, nstaff,
	    (SELECT count(*) FROM shifts WHERE tenant_id = t),
	    (SELECT count(*) FROM assignments WHERE tenant_id = t),
	    (SELECT count(*) FROM time_entries WHERE tenant_id = t),
	    (SELECT count(*) FROM invoices WHERE tenant_id = t));
END
$fn$;
