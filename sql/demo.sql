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
