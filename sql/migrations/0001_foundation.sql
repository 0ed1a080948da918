-- 0001_foundation: tenants, the parties of the marketplace, the users that
-- sign in, local credentials and the audit trail.  Later migrations add the
-- domain (hubs, orders, shifts, ...).  Released migrations are never edited.

CREATE EXTENSION IF NOT EXISTS pgcrypto;	-- gen_random_uuid() on PG < 13
CREATE EXTENSION IF NOT EXISTS citext;

-- The operator's isolation boundary.
CREATE TABLE tenants (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	slug		text NOT NULL UNIQUE
			    CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	status		text NOT NULL DEFAULT 'active'
			    CHECK (status IN ('active', 'suspended')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);

-- A business (the "client") orders staff.
CREATE TABLE businesses (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	legal_name	text,
	email		citext,
	phone		text,
	currency	char(3) NOT NULL DEFAULT 'USD'
			    CHECK (currency ~ '^[A-Z]{3}$'),
	status		text NOT NULL DEFAULT 'active'
			    CHECK (status IN ('active', 'suspended', 'archived')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, id)
);
CREATE INDEX businesses_tenant_idx ON businesses (tenant_id, name, id);

-- A vendor supplies staff.
CREATE TABLE vendors (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	email		citext,
	phone		text,
	status		text NOT NULL DEFAULT 'active'
			    CHECK (status IN ('active', 'suspended', 'archived')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, id)
);
CREATE INDEX vendors_tenant_idx ON vendors (tenant_id, name, id);

-- A worker, belonging to a vendor.
CREATE TABLE staff (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	vendor_id	uuid NOT NULL,
	first_name	text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
	last_name	text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
	email		citext,
	phone		text CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
	status		text NOT NULL DEFAULT 'active'
			    CHECK (status IN ('onboarding', 'active',
			    'suspended', 'archived')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, vendor_id) REFERENCES vendors (tenant_id, id)
);
CREATE INDEX staff_vendor_idx ON staff (vendor_id);
CREATE UNIQUE INDEX staff_phone_idx ON staff (tenant_id, phone)
    WHERE phone IS NOT NULL;

-- Who signs in: a provider uid mapped to an actor of one tenant.
--   client: a member of a business with a role;
--   staff:  a worker (staff row);
--   admin:  an operator of the tenant.
-- tokens_valid_after: tokens issued (iat) before it are refused (sign-out).
CREATE TABLE users (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	provider	text NOT NULL CHECK (provider IN ('local', 'firebase')),
	provider_uid	text NOT NULL
			    CHECK (length(provider_uid) BETWEEN 1 AND 128),
	actor		text NOT NULL CHECK (actor IN ('client', 'staff', 'admin')),
	business_id	uuid,
	staff_id	uuid,
	role		text CHECK (role IN ('owner', 'admin', 'manager', 'viewer')),
	email		citext,
	phone		text,
	display_name	text CHECK (length(display_name) <= 200),
	status		text NOT NULL DEFAULT 'active'
			    CHECK (status IN ('active', 'disabled')),
	tokens_valid_after timestamptz NOT NULL DEFAULT '-infinity',
	last_sign_in_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (provider, provider_uid),
	FOREIGN KEY (tenant_id, business_id) REFERENCES businesses (tenant_id, id),
	FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
	CHECK (actor <> 'client' OR (business_id IS NOT NULL AND role IS NOT NULL
	    AND staff_id IS NULL)),
	CHECK (actor <> 'staff' OR (staff_id IS NOT NULL AND business_id IS NULL
	    AND role IS NULL)),
	CHECK (actor <> 'admin' OR (business_id IS NULL AND staff_id IS NULL))
);
CREATE INDEX users_business_idx ON users (business_id) WHERE business_id IS NOT NULL;
CREATE UNIQUE INDEX users_staff_idx ON users (staff_id) WHERE staff_id IS NOT NULL;

-- Credentials of the local provider (the Firebase provider keeps its own).
-- uid is users.provider_uid for provider 'local'.
CREATE TABLE local_accounts (
	uid		text PRIMARY KEY CHECK (length(uid) BETWEEN 1 AND 128),
	email		citext UNIQUE,
	phone		text UNIQUE,
	password_hash	text,		-- $scrypt$...; NULL: no password sign-in
	disabled	boolean NOT NULL DEFAULT false,
	failed_attempts	integer NOT NULL DEFAULT 0,
	locked_until	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

-- Every state change writes one row here, in the same transaction.
CREATE TABLE audit_events (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id	uuid REFERENCES tenants (id),
	actor_user_id	uuid REFERENCES users (id),
	action		text NOT NULL,		-- e.g. 'auth.sign_in'
	target_type	text,
	target_id	text,
	request_id	uuid,
	summary		jsonb NOT NULL DEFAULT '{}',
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_tenant_idx ON audit_events (tenant_id, created_at);
CREATE INDEX audit_events_target_idx ON audit_events (target_type, target_id);

-- Refresh tokens of the local provider: only a SHA-256 of the token is
-- kept; a token is used once (rotation) and dies with a sign-out.
CREATE TABLE local_refresh_tokens (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	uid		text NOT NULL REFERENCES local_accounts (uid)
			    ON DELETE CASCADE,
	token_hash	bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	used_at		timestamptz,
	revoked_at	timestamptz
);
CREATE INDEX local_refresh_tokens_uid_idx ON local_refresh_tokens (uid);
