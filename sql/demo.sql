-- demo.sql: a small, fixed data set for a demo host and for the tests.
--
-- Loaded by `krow-migrate --demo`, in one transaction, after the migrations
-- and only when the demo tenant does not exist yet (so a re-run changes
-- nothing).  The ids are fixed so that tests and docs can name them.
--
-- Sign-in (local provider): every account with an email has the password
-- "krow-demo-1"; the staff member signs in by phone OTP.
--
--   uid            actor   business                 role    status
--   demo-owner     client  Demo Hospitality Group   owner   active
--   demo-staff     staff   (vendor Demo Staffing Co)        active
--   demo-admin     admin   (tenant demo)                    active
--   other-owner    client  Other Catering Ltd       owner   active
--   demo-disabled  client  Demo Hospitality Group   viewer  disabled
--   demo-manager   client  Demo Hospitality Group   manager active
--                  (manager@demo.example; sees the New York hub only)

INSERT INTO tenants (id, slug, name) VALUES
	('00000000-0000-4000-8000-000000000001', 'demo', 'Demo Tenant');

INSERT INTO businesses (id, tenant_id, name, email, currency) VALUES
	('00000000-0000-4000-8000-000000000101',
	 '00000000-0000-4000-8000-000000000001',
	 'Demo Hospitality Group', 'ops@demo.example', 'USD'),
	('00000000-0000-4000-8000-000000000102',
	 '00000000-0000-4000-8000-000000000001',
	 'Other Catering Ltd', 'ops@other.example', 'USD');

INSERT INTO vendors (id, tenant_id, name) VALUES
	('00000000-0000-4000-8000-000000000201',
	 '00000000-0000-4000-8000-000000000001', 'Demo Staffing Co');

INSERT INTO staff (id, tenant_id, vendor_id, first_name, last_name, email,
    phone) VALUES
	('00000000-0000-4000-8000-000000000301',
	 '00000000-0000-4000-8000-000000000001',
	 '00000000-0000-4000-8000-000000000201',
	 'Sam', 'Rivera', 'sam@demo.example', '+15555550100');

-- Local credentials.  The hash is scrypt of "krow-demo-1".
INSERT INTO local_accounts (uid, email, phone, password_hash) VALUES
	('demo-owner', 'owner@demo.example', NULL, '$scrypt$ln=15,r=8,p=1$hWQuZtGDg1ecjLkofNBckg==$uCKgzSDdgsVtEQCQuiFAyg3twmZ62WfeVOJPeRzPIc0='),
	('demo-staff', NULL, '+15555550100', NULL),
	('demo-admin', 'admin@demo.example', NULL, '$scrypt$ln=15,r=8,p=1$hWQuZtGDg1ecjLkofNBckg==$uCKgzSDdgsVtEQCQuiFAyg3twmZ62WfeVOJPeRzPIc0='),
	('other-owner', 'owner@other.example', NULL, '$scrypt$ln=15,r=8,p=1$hWQuZtGDg1ecjLkofNBckg==$uCKgzSDdgsVtEQCQuiFAyg3twmZ62WfeVOJPeRzPIc0='),
	('demo-disabled', 'disabled@demo.example', NULL,
	 '$scrypt$ln=15,r=8,p=1$hWQuZtGDg1ecjLkofNBckg==$uCKgzSDdgsVtEQCQuiFAyg3twmZ62WfeVOJPeRzPIc0=');

INSERT INTO users (id, tenant_id, provider, provider_uid, actor, business_id,
    staff_id, role, email, phone, display_name, status) VALUES
	('00000000-0000-4000-8000-000000000401',
	 '00000000-0000-4000-8000-000000000001', 'local', 'demo-owner',
	 'client', '00000000-0000-4000-8000-000000000101', NULL, 'owner',
	 'owner@demo.example', NULL, 'Olivia Owner', 'active'),
	('00000000-0000-4000-8000-000000000402',
	 '00000000-0000-4000-8000-000000000001', 'local', 'demo-staff',
	 'staff', NULL, '00000000-0000-4000-8000-000000000301', NULL,
	 NULL, '+15555550100', 'Sam Rivera', 'active'),
	('00000000-0000-4000-8000-000000000403',
	 '00000000-0000-4000-8000-000000000001', 'local', 'demo-admin',
	 'admin', NULL, NULL, NULL,
	 'admin@demo.example', NULL, 'Avery Admin', 'active'),
	('00000000-0000-4000-8000-000000000404',
	 '00000000-0000-4000-8000-000000000001', 'local', 'other-owner',
	 'client', '00000000-0000-4000-8000-000000000102', NULL, 'owner',
	 'owner@other.example', NULL, 'Otto Other', 'active'),
	('00000000-0000-4000-8000-000000000405',
	 '00000000-0000-4000-8000-000000000001', 'local', 'demo-disabled',
	 'client', '00000000-0000-4000-8000-000000000101', NULL, 'viewer',
	 'disabled@demo.example', NULL, 'Dana Disabled', 'disabled');

-- The audit trail: one event per user created.
INSERT INTO audit_events (tenant_id, actor_user_id, action, target_type,
    target_id, summary)
SELECT '00000000-0000-4000-8000-000000000001', NULL, 'demo.seed', 'user',
    u.id::text, jsonb_build_object('uid', u.provider_uid, 'actor', u.actor)
FROM users u
WHERE u.tenant_id = '00000000-0000-4000-8000-000000000001'
ORDER BY u.id;

-- ---------------------------------------------------------------------
-- The domain (0003): enough for every client and staff screen to show
-- something.  Times are relative to now(), so the demo stays current:
-- pg_temp.local_at(zone, days, time) is that wall-clock time, days from
-- today in zone.  Every id is fixed ("...8000-<12 hex>") so that tests
-- can name rows:
--
--   5xx hubs (501 New York, 502 San Francisco, 503 Auckland, 504 Chicago
--       archived; 511 London of the other business)
--   6xx cost centers and billing accounts, 7xx vendor roles,
--   8xx orders (8xxx shifts, 8xxxx positions, 8xxxxx assignments,
--   e8xxxxx time entries), 9xx invoices.
--
--   order     hub  state        shift (days from today, local)
--   ORD-1011  501  completed    -20
--   ORD-1001  501  completed    -10
--   ORD-1002  502  completed     -5
--   ORD-1003  502  completed     -3
--   ORD-1012  502  completed     -1   (worked, not invoiced yet)
--   ORD-1004  503  in_progress  started 2 hours ago
--   ORD-1010  501  filled       starts in 1 hour
--   ORD-1005  501  filled       +1
--   ORD-1006  501  open         +3 and +10
--   ORD-1008  501  cancelled    +2
--   ORD-1009  501  open         +7   (a reorder of ORD-1001)
--   ORD-1007  502  draft        +20
--   ORD-2001  511  filled       +1   (Other Catering Ltd)
--   ORD-2002  511  completed    -4   (Other Catering Ltd)
--
--   invoice   vendor  work of   state
--   INV-1001  201     ORD-1011  paid
--   INV-1002  201     ORD-1001  approved
--   INV-1003  202     ORD-1003  disputed
--   INV-1004  201     ORD-1002  pending
--   INV-2001  201     ORD-2002  pending (Other Catering Ltd)

CREATE FUNCTION pg_temp.local_at(zone text, days integer, t time)
    RETURNS timestamptz LANGUAGE sql STABLE
    AS $$ SELECT (((now() AT TIME ZONE zone)::date + days) + t)
    AT TIME ZONE zone $$;
CREATE FUNCTION pg_temp.id(n text) RETURNS uuid LANGUAGE sql IMMUTABLE
    AS $$ SELECT ('00000000-0000-4000-8000-' || lpad(n, 12, '0'))::uuid $$;

INSERT INTO vendors (id, tenant_id, name, email, phone) VALUES
	(pg_temp.id('202'), pg_temp.id('1'), 'Metro Event Staff',
	 'dispatch@metro-events.example', '+12125550142'),
	(pg_temp.id('203'), pg_temp.id('1'), 'Harbor Kitchen Crew',
	 'jobs@harbor-kitchen.example', '+14155550177');

INSERT INTO staff (id, tenant_id, vendor_id, first_name, last_name, email,
    phone, status) VALUES
	(pg_temp.id('302'), pg_temp.id('1'), pg_temp.id('201'), 'Maya', 'Chen',
	 'maya@demo.example', '+15555550102', 'active'),
	(pg_temp.id('303'), pg_temp.id('1'), pg_temp.id('201'), 'Luis', 'Ortega',
	 'luis@demo.example', '+15555550103', 'active'),
	(pg_temp.id('304'), pg_temp.id('1'), pg_temp.id('201'), 'Priya', 'Patel',
	 'priya@demo.example', '+15555550104', 'active'),
	(pg_temp.id('305'), pg_temp.id('1'), pg_temp.id('202'), 'Jordan', 'Lee',
	 'jordan@demo.example', '+15555550105', 'active'),
	(pg_temp.id('306'), pg_temp.id('1'), pg_temp.id('202'), 'Aisha', 'Bello',
	 'aisha@demo.example', '+15555550106', 'active'),
	(pg_temp.id('307'), pg_temp.id('1'), pg_temp.id('202'), 'Tom', 'Becker',
	 'tom@demo.example', '+15555550107', 'active'),
	(pg_temp.id('308'), pg_temp.id('1'), pg_temp.id('203'), 'Nina', 'Rossi',
	 'nina@demo.example', '+15555550108', 'active'),
	(pg_temp.id('309'), pg_temp.id('1'), pg_temp.id('203'), 'Kenji', 'Sato',
	 'kenji@demo.example', '+15555550109', 'active'),
	(pg_temp.id('310'), pg_temp.id('1'), pg_temp.id('201'), 'Grace', 'Kim',
	 'grace@demo.example', '+15555550110', 'onboarding'),
	(pg_temp.id('311'), pg_temp.id('1'), pg_temp.id('202'), 'Omar', 'Haddad',
	 'omar@demo.example', '+15555550111', 'active');

-- A hub manager of Demo Hospitality Group, restricted to New York.
INSERT INTO local_accounts (uid, email, phone, password_hash) VALUES
	('demo-manager', 'manager@demo.example', NULL,
	 '$scrypt$ln=15,r=8,p=1$hWQuZtGDg1ecjLkofNBckg==$uCKgzSDdgsVtEQCQuiFAyg3twmZ62WfeVOJPeRzPIc0=');
INSERT INTO users (id, tenant_id, provider, provider_uid, actor, business_id,
    role, email, display_name) VALUES
	(pg_temp.id('406'), pg_temp.id('1'), 'local', 'demo-manager', 'client',
	 pg_temp.id('101'), 'manager', 'manager@demo.example', 'Mia Manager');

INSERT INTO hubs (id, tenant_id, business_id, name, address_line1, city,
    region, postal_code, country, time_zone, latitude, longitude,
    geofence_radius_m, clock_in_methods, status, archived_at) VALUES
	(pg_temp.id('501'), pg_temp.id('1'), pg_temp.id('101'),
	 'Downtown Grand Hotel', '120 Park Avenue', 'New York', 'NY', '10017',
	 'US', 'America/New_York', 40.751600, -73.977600, 150,
	 '{nfc,geofence,manual}', 'active', NULL),
	(pg_temp.id('502'), pg_temp.id('1'), pg_temp.id('101'),
	 'Bayview Conference Center', '747 Howard Street', 'San Francisco',
	 'CA', '94103', 'US', 'America/Los_Angeles', 37.784100, -122.401700,
	 250, '{geofence,manual}', 'active', NULL),
	(pg_temp.id('503'), pg_temp.id('1'), pg_temp.id('101'),
	 'Harbourside Pavilion', '1 Quay Street', 'Auckland', NULL, '1010',
	 'NZ', 'Pacific/Auckland', -36.843000, 174.767000, 200,
	 '{nfc,geofence}', 'active', NULL),
	(pg_temp.id('504'), pg_temp.id('1'), pg_temp.id('101'),
	 'Old Warehouse Venue', '900 W Fulton Market', 'Chicago', 'IL',
	 '60607', 'US', 'America/Chicago', 41.886600, -87.649600, 150,
	 '{manual}', 'archived', now() - interval '60 days'),
	(pg_temp.id('511'), pg_temp.id('1'), pg_temp.id('102'),
	 'Other Kitchen', '10 Borough High Street', 'London', NULL, 'SE1 9QQ',
	 'GB', 'Europe/London', 51.504500, -0.090000, 100,
	 '{geofence,manual}', 'active', NULL);

INSERT INTO nfc_tags (id, tenant_id, business_id, hub_id, tag_uid, label)
VALUES
	(pg_temp.id('5011'), pg_temp.id('1'), pg_temp.id('101'),
	 pg_temp.id('501'), '04A1B2C3D4E5F6', 'Staff entrance'),
	(pg_temp.id('5012'), pg_temp.id('1'), pg_temp.id('101'),
	 pg_temp.id('501'), '04A1B2C3D4E5F7', 'Banquet kitchen'),
	(pg_temp.id('5031'), pg_temp.id('1'), pg_temp.id('101'),
	 pg_temp.id('503'), '04C1B2C3D4E5F6', 'Loading dock');

INSERT INTO hub_managers (tenant_id, business_id, hub_id, user_id) VALUES
	(pg_temp.id('1'), pg_temp.id('101'), pg_temp.id('501'), pg_temp.id('406')),
	(pg_temp.id('1'), pg_temp.id('101'), pg_temp.id('502'), pg_temp.id('401'));

INSERT INTO cost_centers (id, tenant_id, business_id, code, name,
    budget_cents, status) VALUES
	(pg_temp.id('601'), pg_temp.id('1'), pg_temp.id('101'), 'EVT',
	 'Events', 5000000, 'active'),
	(pg_temp.id('602'), pg_temp.id('1'), pg_temp.id('101'), 'FNB',
	 'Food and Beverage', 3000000, 'active'),
	(pg_temp.id('603'), pg_temp.id('1'), pg_temp.id('101'), 'HSK',
	 'Housekeeping', NULL, 'archived'),
	(pg_temp.id('611'), pg_temp.id('1'), pg_temp.id('102'), 'KIT',
	 'Kitchen', NULL, 'active');

INSERT INTO billing_accounts (id, tenant_id, business_id, name,
    billing_email, currency, billing_cycle, cycle_anchor,
    payment_terms_days, payment_method, payment_last4, is_default) VALUES
	(pg_temp.id('651'), pg_temp.id('1'), pg_temp.id('101'),
	 'Main account', 'ap@demo.example', 'USD', 'weekly', '2024-01-01', 30,
	 'card', '4242', true),
	(pg_temp.id('652'), pg_temp.id('1'), pg_temp.id('101'),
	 'Events department', 'events-ap@demo.example', 'USD', 'monthly',
	 '2024-01-01', 45, 'ach', '6789', false),
	(pg_temp.id('661'), pg_temp.id('1'), pg_temp.id('102'),
	 'Other Catering billing', 'ap@other.example', 'USD', 'weekly',
	 '2024-01-01', 30, 'invoice', NULL, true);

INSERT INTO vendor_roles (id, tenant_id, vendor_id, role_code, name,
    description, bill_rate_cents, pay_rate_cents) VALUES
	(pg_temp.id('701'), pg_temp.id('1'), pg_temp.id('201'), 'bartender',
	 'Bartender', 'Cocktails, beer and wine service', 3500, 2200),
	(pg_temp.id('702'), pg_temp.id('1'), pg_temp.id('201'), 'server',
	 'Server', 'Banquet and table service', 3000, 1900),
	(pg_temp.id('703'), pg_temp.id('1'), pg_temp.id('201'), 'cook',
	 'Line Cook', NULL, 3800, 2500),
	(pg_temp.id('711'), pg_temp.id('1'), pg_temp.id('202'), 'bartender',
	 'Event Bartender', NULL, 3400, 2100),
	(pg_temp.id('712'), pg_temp.id('1'), pg_temp.id('202'), 'event_setup',
	 'Event Setup Crew', 'Staging, chairs, tables', 2800, 1800),
	(pg_temp.id('713'), pg_temp.id('1'), pg_temp.id('202'), 'security',
	 'Security Guard', 'Licensed guard', 4200, 2800),
	(pg_temp.id('721'), pg_temp.id('1'), pg_temp.id('203'), 'cook',
	 'Prep Cook', NULL, 3600, 2400),
	(pg_temp.id('722'), pg_temp.id('1'), pg_temp.id('203'), 'dishwasher',
	 'Dishwasher', NULL, 2400, 1600);

INSERT INTO reference_rates (tenant_id, role_code, currency, rate_cents)
VALUES
	(pg_temp.id('1'), 'bartender', 'USD', 4000),
	(pg_temp.id('1'), 'server', 'USD', 3500),
	(pg_temp.id('1'), 'cook', 'USD', 4500),
	(pg_temp.id('1'), 'event_setup', 'USD', 3200),
	(pg_temp.id('1'), 'security', 'USD', 5000);

INSERT INTO business_vendors (tenant_id, business_id, vendor_id, status,
    approved_at, approved_by) VALUES
	(pg_temp.id('1'), pg_temp.id('101'), pg_temp.id('201'), 'approved',
	 now() - interval '400 days', pg_temp.id('401')),
	(pg_temp.id('1'), pg_temp.id('101'), pg_temp.id('202'), 'approved',
	 now() - interval '200 days', pg_temp.id('401')),
	(pg_temp.id('1'), pg_temp.id('101'), pg_temp.id('203'), 'pending',
	 NULL, NULL),
	(pg_temp.id('1'), pg_temp.id('102'), pg_temp.id('201'), 'approved',
	 now() - interval '100 days', pg_temp.id('404'));

-- Staff profiles: Sam (the staff demo user) has a complete one.
INSERT INTO staff_profiles (staff_id, tenant_id, preferred_name,
    date_of_birth, address_line1, city, region, postal_code, country, bio,
    emergency_contact_name, emergency_contact_phone, rating) VALUES
	(pg_temp.id('301'), pg_temp.id('1'), 'Sam', '1994-05-17',
	 '55 Water Street', 'Brooklyn', 'NY', '11201', 'US',
	 'Eight years behind busy hotel bars.', 'Alex Rivera', '+15555550199',
	 4.80),
	(pg_temp.id('302'), pg_temp.id('1'), NULL, '1998-11-02', NULL,
	 'Queens', 'NY', '11101', 'US', NULL, NULL, NULL, 4.60),
	(pg_temp.id('305'), pg_temp.id('1'), 'JL', '1990-01-20', NULL,
	 'Oakland', 'CA', '94607', 'US', NULL, NULL, NULL, 4.20);
INSERT INTO staff_industries (tenant_id, staff_id, industry,
    years_experience) VALUES
	(pg_temp.id('1'), pg_temp.id('301'), 'hospitality', 8),
	(pg_temp.id('1'), pg_temp.id('301'), 'events', 3),
	(pg_temp.id('1'), pg_temp.id('302'), 'hospitality', 2);
INSERT INTO staff_skills (tenant_id, staff_id, skill, level) VALUES
	(pg_temp.id('1'), pg_temp.id('301'), 'mixology', 'expert'),
	(pg_temp.id('1'), pg_temp.id('301'), 'wine_service', 'advanced'),
	(pg_temp.id('1'), pg_temp.id('301'), 'cash_handling', 'advanced'),
	(pg_temp.id('1'), pg_temp.id('302'), 'fine_dining', 'intermediate');
INSERT INTO staff_roles (tenant_id, vendor_id, staff_id, vendor_role_id)
SELECT pg_temp.id('1'), s.vendor_id, s.id, r.id
FROM staff s JOIN vendor_roles r ON r.vendor_id = s.vendor_id
WHERE s.tenant_id = pg_temp.id('1') AND s.status = 'active';
INSERT INTO staff_documents (id, tenant_id, staff_id, doc_type, file_id,
    file_name, status, uploaded_at, reviewed_at) VALUES
	(pg_temp.id('3011'), pg_temp.id('1'), pg_temp.id('301'), 'id_card',
	 'demo/301/id-card.pdf', 'id-card.pdf', 'verified',
	 now() - interval '300 days', now() - interval '299 days'),
	(pg_temp.id('3012'), pg_temp.id('1'), pg_temp.id('301'), 'tax_form',
	 'demo/301/w4.pdf', 'w4.pdf', 'pending', now() - interval '2 days',
	 NULL);
INSERT INTO staff_certificates (id, tenant_id, staff_id, name, issuer,
    number, issued_on, expires_on, verification_status, verified_at) VALUES
	(pg_temp.id('3021'), pg_temp.id('1'), pg_temp.id('301'),
	 'Responsible Alcohol Service', 'NY State Liquor Authority', 'ATAP-55012',
	 current_date - 400, current_date + 330, 'verified',
	 now() - interval '390 days'),
	(pg_temp.id('3022'), pg_temp.id('1'), pg_temp.id('301'),
	 'Food Handler', 'ServSafe', 'FH-778812', current_date - 1100,
	 current_date + 20, 'verified', now() - interval '1000 days'),
	(pg_temp.id('3023'), pg_temp.id('1'), pg_temp.id('301'),
	 'First Aid', 'Red Cross', NULL, current_date - 800,
	 current_date - 70, 'verified', now() - interval '790 days');
INSERT INTO staff_bank_accounts (id, tenant_id, staff_id, holder_name,
    bank_name, account_type, account_last4, routing_last4, provider_token,
    is_default) VALUES
	(pg_temp.id('3031'), pg_temp.id('1'), pg_temp.id('301'), 'Sam Rivera',
	 'Hudson Community Bank', 'checking', '4321', '0021', 'tok_demo_sam_1',
	 true),
	(pg_temp.id('3032'), pg_temp.id('1'), pg_temp.id('301'), 'Sam Rivera',
	 'Brooklyn Savings', 'savings', '8765', NULL, 'tok_demo_sam_2', false);
INSERT INTO staff_benefits (tenant_id, staff_id, benefit, status,
    enrolled_at) VALUES
	(pg_temp.id('1'), pg_temp.id('301'), 'health', 'enrolled',
	 now() - interval '200 days'),
	(pg_temp.id('1'), pg_temp.id('301'), 'commuter', 'enrolled',
	 now() - interval '200 days'),
	(pg_temp.id('1'), pg_temp.id('301'), 'retirement', 'eligible', NULL);
INSERT INTO staff_availability (tenant_id, staff_id, day_of_week,
    start_time, end_time, time_zone)
SELECT pg_temp.id('1'), pg_temp.id('301'), d, t.s, t.e, 'America/New_York'
FROM generate_series(1, 5) d,
    (VALUES (time '16:00', time '23:59')) t(s, e)
UNION ALL
SELECT pg_temp.id('1'), pg_temp.id('301'), 6, '10:00', '22:00',
    'America/New_York';
INSERT INTO staff_availability_exceptions (id, tenant_id, staff_id, day,
    available, start_time, end_time, reason) VALUES
	(pg_temp.id('3041'), pg_temp.id('1'), pg_temp.id('301'),
	 current_date + 12, false, NULL, NULL, 'Family wedding'),
	(pg_temp.id('3042'), pg_temp.id('1'), pg_temp.id('301'),
	 current_date + 14, true, '08:00', '14:00', 'Morning only');

-- Orders.
INSERT INTO orders (id, tenant_id, business_id, hub_id, cost_center_id,
    order_number, title, notes, status, source_order_id, created_by,
    cancelled_at, cancel_reason, created_at)
SELECT pg_temp.id(o.id), pg_temp.id('1'), pg_temp.id(o.biz),
    pg_temp.id(o.hub), pg_temp.id(o.cc), o.num, o.title, o.notes, o.status,
    CASE WHEN o.src IS NULL THEN NULL ELSE pg_temp.id(o.src) END,
    pg_temp.id(o.by),
    CASE WHEN o.status = 'cancelled' THEN now() - interval '1 day' END,
    CASE WHEN o.status = 'cancelled' THEN 'Tasting moved to next month' END,
    now() + o.created
FROM (VALUES
	('811', '101', '501', '601', 'ORD-1011', 'Spring reception', NULL,
	 'completed', NULL, '401', interval '-30 days'),
	('801', '101', '501', '601', 'ORD-1001', 'Gala dinner',
	 'Black tie; bartenders bring their own tools', 'completed', NULL,
	 '401', interval '-25 days'),
	('802', '101', '502', '602', 'ORD-1002', 'Weekend brunch', NULL,
	 'completed', NULL, '401', interval '-12 days'),
	('803', '101', '502', '601', 'ORD-1003', 'Conference setup',
	 'Load-in through the east dock', 'completed', NULL, '401',
	 interval '-10 days'),
	('812', '101', '502', '602', 'ORD-1012', 'Client lunch', NULL,
	 'completed', NULL, '401', interval '-6 days'),
	('804', '101', '503', '601', 'ORD-1004', 'Harbour launch party', NULL,
	 'in_progress', NULL, '401', interval '-8 days'),
	('810', '101', '501', '602', 'ORD-1010', 'Evening room service', NULL,
	 'filled', NULL, '406', interval '-2 days'),
	('805', '101', '501', '602', 'ORD-1005', 'Dinner service', NULL,
	 'filled', NULL, '406', interval '-4 days'),
	('806', '101', '501', '601', 'ORD-1006', 'Weekly banquet',
	 'Two banquets, same team preferred', 'open', NULL, '401',
	 interval '-3 days'),
	('808', '101', '501', '602', 'ORD-1008', 'Wine tasting', NULL,
	 'cancelled', NULL, '406', interval '-5 days'),
	('809', '101', '501', '601', 'ORD-1009', 'Gala dinner (repeat)', NULL,
	 'open', '801', '401', interval '-1 days'),
	('807', '101', '502', '601', 'ORD-1007', 'Holiday party', 'Draft',
	 'draft', NULL, '401', interval '-1 hours'),
	('851', '102', '511', '611', 'ORD-2001', 'Catering lunch', NULL,
	 'filled', NULL, '404', interval '-3 days'),
	('852', '102', '511', '611', 'ORD-2002', 'Office breakfast', NULL,
	 'completed', NULL, '404', interval '-9 days')
) o(id, biz, hub, cc, num, title, notes, status, src, by, created);

-- Shifts: days from today and a local start time at the order's hub,
-- or (in_progress, filled-today) a start relative to now.
INSERT INTO shifts (id, tenant_id, business_id, order_id, hub_id, starts_at,
    ends_at, break_minutes, status)
SELECT pg_temp.id(s.id), pg_temp.id('1'), o.business_id, o.id, o.hub_id,
    st.at, st.at + s.hours, s.brk, s.status
FROM (VALUES
	('8111', '811', -20, time '18:00', NULL::interval, interval '5 hours',
	 30, 'completed'),
	('8011', '801', -10, '17:00', NULL, '6 hours', 30, 'completed'),
	('8021', '802', -5, '09:00', NULL, '6 hours', 30, 'completed'),
	('8031', '803', -3, '07:00', NULL, '8 hours', 60, 'completed'),
	('8121', '812', -1, '10:00', NULL, '4 hours', 0, 'completed'),
	('8041', '804', 0, NULL, '-2 hours', '6 hours', 30, 'in_progress'),
	('8101', '810', 0, NULL, '1 hour', '6 hours', 30, 'filled'),
	('8051', '805', 1, '17:00', NULL, '6 hours', 30, 'filled'),
	('8061', '806', 3, '17:00', NULL, '6 hours', 30, 'open'),
	('8062', '806', 10, '17:00', NULL, '6 hours', 30, 'open'),
	('8081', '808', 2, '12:00', NULL, '4 hours', 0, 'cancelled'),
	('8091', '809', 7, '17:00', NULL, '6 hours', 30, 'open'),
	('8071', '807', 20, '18:00', NULL, '5 hours', 30, 'open'),
	('8511', '851', 1, '12:00', NULL, '5 hours', 30, 'filled'),
	('8521', '852', -4, '07:00', NULL, '3 hours', 0, 'completed')
) s(id, ord, days, local, rel, hours, brk, status)
JOIN orders o ON o.id = pg_temp.id(s.ord)
JOIN hubs h ON h.id = o.hub_id
CROSS JOIN LATERAL (SELECT CASE WHEN s.rel IS NULL
    THEN pg_temp.local_at(h.time_zone, s.days, s.local)
    ELSE date_trunc('minute', now()) + s.rel END) st(at);

-- Positions: rates copied from the vendor role.
INSERT INTO shift_positions (id, tenant_id, business_id, shift_id,
    vendor_id, vendor_role_id, headcount, bill_rate_cents, pay_rate_cents,
    currency, status)
SELECT pg_temp.id(p.id), pg_temp.id('1'), s.business_id, s.id, r.vendor_id,
    r.id, p.n, r.bill_rate_cents, r.pay_rate_cents, r.currency, p.status
FROM (VALUES
	('81111', '8111', '701', 1, 'filled'),
	('81112', '8111', '702', 2, 'filled'),
	('80111', '8011', '701', 2, 'filled'),
	('80112', '8011', '702', 3, 'open'),
	('80211', '8021', '703', 1, 'filled'),
	('80212', '8021', '702', 2, 'filled'),
	('80311', '8031', '712', 3, 'filled'),
	('80312', '8031', '713', 1, 'filled'),
	('81211', '8121', '702', 2, 'filled'),
	('80411', '8041', '711', 2, 'filled'),
	('81011', '8101', '702', 1, 'filled'),
	('80511', '8051', '702', 2, 'filled'),
	('80611', '8061', '701', 2, 'open'),
	('80612', '8061', '702', 4, 'open'),
	('80613', '8061', '703', 1, 'open'),
	('80621', '8062', '702', 2, 'open'),
	('80811', '8081', '701', 1, 'cancelled'),
	('80911', '8091', '701', 2, 'open'),
	('80711', '8071', '702', 5, 'open'),
	('85111', '8511', '701', 1, 'filled'),
	('85211', '8521', '701', 1, 'filled')
) p(id, shift, role, n, status)
JOIN shifts s ON s.id = pg_temp.id(p.shift)
JOIN vendor_roles r ON r.id = pg_temp.id(p.role);

-- Assignments in every state, with the timestamps of the steps taken.
INSERT INTO assignments (id, tenant_id, business_id, shift_id, position_id,
    vendor_id, staff_id, status, applied_at, assigned_at, confirmed_at,
    checked_in_at, checked_out_at, completed_at, declined_at, cancelled_at,
    cancel_reason)
SELECT pg_temp.id(a.id), pg_temp.id('1'), p.business_id, p.shift_id, p.id,
    p.vendor_id, pg_temp.id(a.staff), a.status,
    s.starts_at - interval '5 days',
    CASE WHEN a.status NOT IN ('applied', 'declined')
        THEN s.starts_at - interval '4 days' END,
    CASE WHEN a.status IN ('confirmed', 'checked_in', 'checked_out',
        'completed', 'no_show') THEN s.starts_at - interval '3 days' END,
    CASE WHEN a.status IN ('checked_in', 'checked_out', 'completed')
        THEN s.starts_at - interval '4 minutes' END,
    CASE WHEN a.status IN ('checked_out', 'completed')
        THEN s.ends_at + interval '6 minutes' END,
    CASE WHEN a.status = 'completed' THEN s.ends_at + interval '1 hour' END,
    CASE WHEN a.status = 'declined' THEN s.starts_at - interval '4 days' END,
    CASE WHEN a.status = 'cancelled' THEN now() - interval '1 day' END,
    CASE WHEN a.status = 'cancelled' THEN 'Order cancelled' END
FROM (VALUES
	('811111', '81111', '301', 'completed'),
	('811121', '81112', '302', 'completed'),
	('811122', '81112', '303', 'completed'),
	('801111', '80111', '301', 'completed'),
	('801112', '80111', '304', 'completed'),
	('801121', '80112', '302', 'completed'),
	('801122', '80112', '303', 'completed'),
	('802111', '80211', '303', 'completed'),
	('802121', '80212', '301', 'completed'),
	('802122', '80212', '302', 'no_show'),
	('803111', '80311', '305', 'completed'),
	('803112', '80311', '306', 'completed'),
	('803113', '80311', '307', 'completed'),
	('803121', '80312', '311', 'completed'),
	('812111', '81211', '301', 'completed'),
	('812112', '81211', '304', 'checked_out'),
	('804111', '80411', '305', 'checked_in'),
	('804112', '80411', '307', 'confirmed'),
	('810111', '81011', '303', 'confirmed'),
	('805111', '80511', '302', 'confirmed'),
	('805112', '80511', '304', 'assigned'),
	('806111', '80611', '301', 'assigned'),
	('806112', '80611', '303', 'applied'),
	('806121', '80612', '302', 'confirmed'),
	('806122', '80612', '304', 'declined'),
	('806211', '80621', '301', 'applied'),
	('808111', '80811', '302', 'cancelled'),
	('809111', '80911', '304', 'applied'),
	('851111', '85111', '301', 'confirmed'),
	('852111', '85211', '301', 'completed')
) a(id, pos, staff, status)
JOIN shift_positions p ON p.id = pg_temp.id(a.pos)
JOIN shifts s ON s.id = p.shift_id;

-- The conference is billed to the events department.
UPDATE orders SET billing_account_id = pg_temp.id('652')
WHERE id = pg_temp.id('803');

INSERT INTO swap_requests (id, tenant_id, business_id, assignment_id,
    reason, status) VALUES
	(pg_temp.id('8051111'), pg_temp.id('1'), pg_temp.id('101'),
	 pg_temp.id('805111'), 'Exam the next morning', 'pending');

-- Time entries of the work done (checked in, checked out, completed):
-- NFC at hubs with tags, geofence elsewhere; one manual correction.
INSERT INTO time_entries (id, tenant_id, business_id, assignment_id,
    staff_id, shift_id, clock_in_at, clock_out_at, clock_in_method,
    clock_out_method, clock_in_latitude, clock_in_longitude,
    clock_out_latitude, clock_out_longitude, nfc_tag_id, break_minutes,
    status, corrected_by, corrected_at, correction_reason)
SELECT pg_temp.id('e' || right(a.id::text, 6)), a.tenant_id, a.business_id,
    a.id, a.staff_id, a.shift_id, a.checked_in_at, a.checked_out_at,
    m.method, CASE WHEN a.checked_out_at IS NOT NULL THEN m.method END,
    CASE WHEN m.method = 'geofence' THEN h.latitude + 0.0002 END,
    CASE WHEN m.method = 'geofence' THEN h.longitude - 0.0001 END,
    CASE WHEN m.method = 'geofence' AND a.checked_out_at IS NOT NULL
        THEN h.latitude + 0.0001 END,
    CASE WHEN m.method = 'geofence' AND a.checked_out_at IS NOT NULL
        THEN h.longitude END,
    CASE WHEN m.method = 'nfc' THEN (SELECT t.id FROM nfc_tags t
        WHERE t.hub_id = h.id ORDER BY t.id LIMIT 1) END,
    s.break_minutes,
    CASE WHEN a.checked_out_at IS NULL THEN 'open'
        WHEN s.starts_at < now() - interval '2 days' THEN 'approved'
        ELSE 'closed' END,
    CASE WHEN m.method = 'manual' THEN pg_temp.id('401') END,
    CASE WHEN m.method = 'manual' THEN a.checked_out_at + interval '2 hours'
        END,
    CASE WHEN m.method = 'manual' THEN 'Forgot to tap out; times confirmed'
        ' by the supervisor' END
FROM assignments a
JOIN shifts s ON s.id = a.shift_id
JOIN hubs h ON h.id = s.hub_id
CROSS JOIN LATERAL (SELECT CASE
    WHEN a.id = pg_temp.id('802121') THEN 'manual'
    WHEN 'nfc' = ANY (h.clock_in_methods) AND EXISTS (SELECT 1 FROM nfc_tags t
        WHERE t.hub_id = h.id) THEN 'nfc'
    ELSE 'geofence' END) m(method)
WHERE a.tenant_id = pg_temp.id('1') AND a.checked_in_at IS NOT NULL;

-- Invoices: one per business, vendor and order here; lines from the
-- time entries, totals from the lines, 8.875% tax.
INSERT INTO invoices (id, tenant_id, business_id, vendor_id,
    billing_account_id, invoice_number, period_start, period_end,
    issued_at, due_date, status, currency)
SELECT pg_temp.id(i.id), pg_temp.id('1'), pg_temp.id(i.biz),
    pg_temp.id(i.vendor), pg_temp.id(i.ba), i.num, current_date,
    current_date, now(), current_date + 30, 'pending', 'USD'
FROM (VALUES
	('901', '101', '201', '651', 'INV-1001', '811'),
	('902', '101', '201', '651', 'INV-1002', '801'),
	('903', '101', '202', '652', 'INV-1003', '803'),
	('904', '101', '201', '651', 'INV-1004', '802'),
	('951', '102', '201', '661', 'INV-2001', '852')
) i(id, biz, vendor, ba, num, ord);

INSERT INTO invoice_lines (id, tenant_id, business_id, invoice_id,
    vendor_id, time_entry_id, hub_id, cost_center_id, vendor_role_id,
    staff_id, work_date, description, minutes, rate_cents, amount_cents)
SELECT pg_temp.id('f' || right(te.id::text, 6)), te.tenant_id,
    te.business_id, pg_temp.id(i.inv), p.vendor_id, te.id, s.hub_id,
    o.cost_center_id, p.vendor_role_id, te.staff_id,
    (te.clock_in_at AT TIME ZONE h.time_zone)::date,
    r.name || ', ' || st.first_name || ' ' || st.last_name,
    te.worked_minutes, p.bill_rate_cents,
    round(te.worked_minutes * p.bill_rate_cents / 60.0)
FROM (VALUES ('901', '811'), ('902', '801'), ('903', '803'),
    ('904', '802'), ('951', '852')) i(inv, ord)
JOIN shifts s ON s.order_id = pg_temp.id(i.ord)
JOIN hubs h ON h.id = s.hub_id
JOIN orders o ON o.id = s.order_id
JOIN time_entries te ON te.shift_id = s.id AND te.worked_minutes IS NOT NULL
JOIN assignments a ON a.id = te.assignment_id
JOIN shift_positions p ON p.id = a.position_id
JOIN vendor_roles r ON r.id = p.vendor_role_id
JOIN staff st ON st.id = te.staff_id;

UPDATE invoices i SET
	period_start = x.first - (extract(isodow FROM x.first)::integer - 1),
	period_end = x.first - (extract(isodow FROM x.first)::integer - 1) + 6,
	issued_at = least(x.last_out + interval '1 day', now()),
	due_date = (least(x.last_out + interval '1 day', now()))::date +
	    ba.payment_terms_days,
	subtotal_cents = x.subtotal,
	tax_cents = round(x.subtotal * 0.08875),
	total_cents = x.subtotal + round(x.subtotal * 0.08875)
FROM (SELECT l.invoice_id, min(l.work_date) AS first,
    max(te.clock_out_at) AS last_out, sum(l.amount_cents) AS subtotal
    FROM invoice_lines l JOIN time_entries te ON te.id = l.time_entry_id
    GROUP BY l.invoice_id) x, billing_accounts ba
WHERE i.id = x.invoice_id AND ba.id = i.billing_account_id;

UPDATE invoices SET status = 'paid',
	approved_at = issued_at + interval '2 days', approved_by = pg_temp.id('401'),
	paid_at = issued_at + interval '9 days'
WHERE id = pg_temp.id('901');
UPDATE invoices SET status = 'approved',
	approved_at = issued_at + interval '1 day', approved_by = pg_temp.id('401')
WHERE id = pg_temp.id('902');
UPDATE invoices SET status = 'disputed',
	disputed_at = issued_at + interval '4 hours',
	disputed_by = pg_temp.id('401'),
	dispute_reason = 'Tom Becker left two hours early'
WHERE id = pg_temp.id('903');
UPDATE invoice_lines SET disputed = true,
	dispute_note = 'Left at 13:00 per the site log'
WHERE invoice_id = pg_temp.id('903') AND staff_id = pg_temp.id('307');

-- Staff payments: per worker and ISO week of invoiced work; paid once
-- the invoice is approved or paid, pending otherwise.
INSERT INTO staff_payments (id, tenant_id, vendor_id, staff_id,
    bank_account_id, period_start, period_end, shifts_count, minutes_worked,
    currency, gross_cents, deductions_cents, net_cents, status, paid_at)
SELECT gen_random_uuid(), pg_temp.id('1'), st.vendor_id, st.id,
    (SELECT b.id FROM staff_bank_accounts b WHERE b.staff_id = st.id AND
     b.is_default AND b.deleted_at IS NULL),
    w.wk, w.wk + 6, w.n, w.minutes, 'USD', w.gross, 0, w.gross,
    CASE WHEN w.settled THEN 'paid' ELSE 'pending' END,
    CASE WHEN w.settled THEN least((w.wk + 9)::timestamptz, now()) END
FROM (SELECT l.staff_id,
    l.work_date - (extract(isodow FROM l.work_date)::integer - 1) AS wk,
    count(*)::integer AS n, sum(l.minutes)::integer AS minutes,
    sum(round(l.minutes * p.pay_rate_cents / 60.0))::bigint AS gross,
    bool_and(i.status IN ('approved', 'paid')) AS settled
    FROM invoice_lines l
    JOIN invoices i ON i.id = l.invoice_id
    JOIN time_entries te ON te.id = l.time_entry_id
    JOIN assignments a ON a.id = te.assignment_id
    JOIN shift_positions p ON p.id = a.position_id
    WHERE l.tenant_id = pg_temp.id('1')
    GROUP BY 1, 2) w
JOIN staff st ON st.id = w.staff_id;

INSERT INTO staff_payment_lines (tenant_id, payment_id, time_entry_id,
    minutes, rate_cents, amount_cents)
SELECT sp.tenant_id, sp.id, te.id, te.worked_minutes, p.pay_rate_cents,
    round(te.worked_minutes * p.pay_rate_cents / 60.0)
FROM staff_payments sp
JOIN invoice_lines l ON l.staff_id = sp.staff_id AND
    l.work_date BETWEEN sp.period_start AND sp.period_end
JOIN time_entries te ON te.id = l.time_entry_id
JOIN assignments a ON a.id = te.assignment_id
JOIN shift_positions p ON p.id = a.position_id
WHERE sp.tenant_id = pg_temp.id('1');

INSERT INTO audit_events (tenant_id, actor_user_id, action, target_type,
    target_id, summary)
SELECT o.tenant_id, NULL, 'demo.seed', 'order', o.id::text,
    jsonb_build_object('orderNumber', o.order_number, 'status', o.status)
FROM orders o
WHERE o.tenant_id = pg_temp.id('1')
ORDER BY o.order_number;

-- ---------------------------------------------------------------------
-- Staff side (the staff read models): two more workers who sign in by
-- phone (demo-staff-luis: Luis Ortega, confirmed on the New York shift
-- that starts in an hour; demo-staff-jordan: Jordan Lee, clocked in at
-- the Auckland hub now), and an extra evening for Sam seven days from
-- today (New York) so that the bartender position of ORD-1009 (+7 days,
-- 17:00-23:00) is open to Sam whatever the weekday.
INSERT INTO local_accounts (uid, email, phone, password_hash) VALUES
	('demo-staff-luis', NULL, '+15555550103', NULL),
	('demo-staff-jordan', NULL, '+15555550105', NULL);
INSERT INTO users (id, tenant_id, provider, provider_uid, actor, staff_id,
    phone, display_name) VALUES
	(pg_temp.id('407'), pg_temp.id('1'), 'local', 'demo-staff-luis',
	 'staff', pg_temp.id('303'), '+15555550103', 'Luis Ortega'),
	(pg_temp.id('408'), pg_temp.id('1'), 'local', 'demo-staff-jordan',
	 'staff', pg_temp.id('305'), '+15555550105', 'Jordan Lee');
INSERT INTO staff_availability_exceptions (id, tenant_id, staff_id, day,
    available, start_time, end_time, reason) VALUES
	(pg_temp.id('3043'), pg_temp.id('1'), pg_temp.id('301'),
	 (now() AT TIME ZONE 'America/New_York')::date + 7, true, '12:00',
	 '23:30', 'Extra evening');
