-- 0003_domain: the staffing marketplace (ARCHITECTURE.md section 8).
--
-- Businesses have hubs (with a time zone, a geo point, a geofence and NFC
-- tags), cost centers, billing accounts, approved vendors and hub
-- managers.  Vendors offer roles with a bill rate (what the business pays)
-- and a pay rate (what the worker earns).  Staff have a profile,
-- availability and exceptions.  Orders have shifts; shifts have positions
-- (role x headcount); staff are assigned to positions and clock in and out
-- (time entries).  Invoices bill a business per vendor and period;
-- staff payments pay the workers.
--
-- Rules kept by every table:
--   * every row carries tenant_id, and every reference to another row is a
--     composite foreign key that includes tenant_id (and business_id where
--     both rows belong to one business), so that no row can point across a
--     tenant or a business, whatever the application does;
--   * money is bigint cents with a three-letter currency code;
--   * instants are timestamptz; calendar days that belong to a place (a
--     work date, an invoice period) are date, in the hub's time zone.
--
-- Depends on 0001 only.

-- Composite keys on 0001's tables that the references below need.
ALTER TABLE staff ADD CONSTRAINT staff_tenant_vendor_id_key
    UNIQUE (tenant_id, vendor_id, id);
ALTER TABLE users ADD CONSTRAINT users_tenant_business_id_key
    UNIQUE (tenant_id, business_id, id);
ALTER TABLE users ADD CONSTRAINT users_tenant_id_key UNIQUE (tenant_id, id);

-- 1 when tz names a time zone PostgreSQL knows (an IANA name such as
-- 'America/New_York' or 'UTC'; not a POSIX offset like 'UTC+5').
CREATE FUNCTION krow_valid_time_zone(tz text) RETURNS boolean
    LANGUAGE sql STABLE STRICT
    AS $$ SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = tz) $$;

-- The zone check runs when a row's time_zone is written.  It is a trigger,
-- not a CHECK: the list of zones can change with the server's tz data, and
-- a CHECK must give the same answer forever (a restore re-checks it).
CREATE FUNCTION krow_check_time_zone() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF NOT krow_valid_time_zone(NEW.time_zone) THEN
		RAISE EXCEPTION 'unknown time zone: %', NEW.time_zone
		    USING ERRCODE = 'check_violation',
		    COLUMN = 'time_zone', TABLE = TG_TABLE_NAME;
	END IF;
	RETURN NEW;
END
$$;

-- ---------------------------------------------------------------------
-- Business side: hubs, NFC tags, cost centers, billing accounts.

CREATE TABLE hubs (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	address_line1	text CHECK (length(address_line1) <= 200),
	address_line2	text CHECK (length(address_line2) <= 200),
	city		text CHECK (length(city) <= 100),
	region		text CHECK (length(region) <= 100),
	postal_code	text CHECK (length(postal_code) <= 20),
	country		char(2) CHECK (country ~ '^[A-Z]{2}$'),
	time_zone	text NOT NULL,
	latitude	numeric(9,6) CHECK (latitude BETWEEN -90 AND 90),
	longitude	numeric(9,6) CHECK (longitude BETWEEN -180 AND 180),
	geofence_radius_m integer NOT NULL DEFAULT 150
			    CHECK (geofence_radius_m BETWEEN 10 AND 10000),
	clock_in_methods text[] NOT NULL DEFAULT '{nfc,geofence,manual}'
			    CHECK (cardinality(clock_in_methods) >= 1 AND
			    clock_in_methods <@ '{nfc,geofence,manual}'),
	status		text NOT NULL DEFAULT 'active'
			    CHECK (status IN ('active', 'archived')),
	archived_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, id),
	UNIQUE (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id) REFERENCES businesses (tenant_id, id),
	CHECK ((latitude IS NULL) = (longitude IS NULL)),
	CHECK ((status = 'archived') = (archived_at IS NOT NULL))
);
CREATE INDEX hubs_business_idx ON hubs (business_id, name, id);
CREATE TRIGGER hubs_time_zone BEFORE INSERT OR UPDATE OF time_zone ON hubs
    FOR EACH ROW EXECUTE FUNCTION krow_check_time_zone();

-- An NFC tag fixed at a hub: staff tap it to clock in.
CREATE TABLE nfc_tags (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	hub_id		uuid NOT NULL,
	tag_uid		text NOT NULL
			    CHECK (tag_uid ~ '^[0-9A-F]{8,32}$'),
	label		text CHECK (length(label) <= 100),
	status		text NOT NULL DEFAULT 'active'
			    CHECK (status IN ('active', 'revoked')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	revoked_at	timestamptz,
	UNIQUE (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, hub_id)
	    REFERENCES hubs (tenant_id, business_id, id)
);
CREATE UNIQUE INDEX nfc_tags_uid_idx ON nfc_tags (tenant_id, tag_uid)
    WHERE status = 'active';
CREATE INDEX nfc_tags_hub_idx ON nfc_tags (hub_id);

CREATE TABLE cost_centers (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	code		text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	budget_cents	bigint CHECK (budget_cents >= 0),	-- per month
	status		text NOT NULL DEFAULT 'active'
			    CHECK (status IN ('active', 'archived')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, business_id, id),
	UNIQUE (business_id, code),
	FOREIGN KEY (tenant_id, business_id) REFERENCES businesses (tenant_id, id)
);
CREATE INDEX cost_centers_business_idx ON cost_centers (business_id, name, id);

-- Where a business's invoices go and how it pays.  The billing period
-- runs from cycle_anchor in steps of the cycle (weekly, biweekly) or by
-- calendar month.
CREATE TABLE billing_accounts (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	billing_email	citext,
	currency	char(3) NOT NULL DEFAULT 'USD'
			    CHECK (currency ~ '^[A-Z]{3}$'),
	billing_cycle	text NOT NULL DEFAULT 'weekly'
			    CHECK (billing_cycle IN ('weekly', 'biweekly',
			    'monthly')),
	cycle_anchor	date NOT NULL DEFAULT date '2024-01-01',
	payment_terms_days integer NOT NULL DEFAULT 30
			    CHECK (payment_terms_days BETWEEN 0 AND 180),
	payment_method	text NOT NULL DEFAULT 'invoice'
			    CHECK (payment_method IN ('card', 'ach', 'invoice')),
	payment_last4	char(4) CHECK (payment_last4 ~ '^[0-9]{4}$'),
	is_default	boolean NOT NULL DEFAULT false,
	status		text NOT NULL DEFAULT 'active'
			    CHECK (status IN ('active', 'archived')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id) REFERENCES businesses (tenant_id, id)
);
CREATE INDEX billing_accounts_business_idx
    ON billing_accounts (business_id, name, id);
CREATE UNIQUE INDEX billing_accounts_default_idx ON billing_accounts
    (business_id) WHERE is_default;

-- A client user who manages a hub.  A client user whose role is
-- 'manager' sees only the hubs listed here for it (none: no hub); owners,
-- admins and viewers see every hub of their business.
CREATE TABLE hub_managers (
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	hub_id		uuid NOT NULL,
	user_id		uuid NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (hub_id, user_id),
	FOREIGN KEY (tenant_id, business_id, hub_id)
	    REFERENCES hubs (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, user_id)
	    REFERENCES users (tenant_id, business_id, id)
);
CREATE INDEX hub_managers_user_idx ON hub_managers (user_id, hub_id);

-- ---------------------------------------------------------------------
-- Vendors: roles and rates, approvals by businesses.

-- A role a vendor supplies.  role_code groups the same kind of work
-- across vendors (coverage, spend and savings by role).
CREATE TABLE vendor_roles (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	vendor_id	uuid NOT NULL,
	role_code	text NOT NULL CHECK (role_code ~ '^[a-z][a-z0-9_]{0,47}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	description	text CHECK (length(description) <= 1000),
	bill_rate_cents	bigint NOT NULL CHECK (bill_rate_cents BETWEEN 0 AND 100000000),
	pay_rate_cents	bigint NOT NULL CHECK (pay_rate_cents BETWEEN 0 AND 100000000),
	currency	char(3) NOT NULL DEFAULT 'USD'
			    CHECK (currency ~ '^[A-Z]{3}$'),
	status		text NOT NULL DEFAULT 'active'
			    CHECK (status IN ('active', 'archived')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, vendor_id, id),
	UNIQUE (vendor_id, role_code),
	FOREIGN KEY (tenant_id, vendor_id) REFERENCES vendors (tenant_id, id)
);
CREATE INDEX vendor_roles_vendor_idx ON vendor_roles (vendor_id, name, id);

-- What a tenant considers the market rate of a role (per hour), the
-- reference of the savings read model.  Without a row the configured
-- savings_reference_pct above the billed rate is used.
CREATE TABLE reference_rates (
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	role_code	text NOT NULL CHECK (role_code ~ '^[a-z][a-z0-9_]{0,47}$'),
	currency	char(3) NOT NULL DEFAULT 'USD'
			    CHECK (currency ~ '^[A-Z]{3}$'),
	rate_cents	bigint NOT NULL CHECK (rate_cents BETWEEN 0 AND 100000000),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (tenant_id, role_code, currency)
);

-- A vendor a business works with; only approved vendors get positions.
CREATE TABLE business_vendors (
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	vendor_id	uuid NOT NULL,
	status		text NOT NULL DEFAULT 'pending'
			    CHECK (status IN ('pending', 'approved',
			    'suspended')),
	approved_at	timestamptz,
	approved_by	uuid,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (business_id, vendor_id),
	UNIQUE (tenant_id, business_id, vendor_id),
	FOREIGN KEY (tenant_id, business_id) REFERENCES businesses (tenant_id, id),
	FOREIGN KEY (tenant_id, vendor_id) REFERENCES vendors (tenant_id, id),
	FOREIGN KEY (tenant_id, approved_by) REFERENCES users (tenant_id, id),
	CHECK (status <> 'approved' OR approved_at IS NOT NULL)
);
CREATE INDEX business_vendors_vendor_idx ON business_vendors (vendor_id);

-- ---------------------------------------------------------------------
-- Staff profile.

CREATE TABLE staff_profiles (
	staff_id	uuid PRIMARY KEY,
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	preferred_name	text CHECK (length(preferred_name) <= 100),
	date_of_birth	date CHECK (date_of_birth > date '1900-01-01'),
	address_line1	text CHECK (length(address_line1) <= 200),
	address_line2	text CHECK (length(address_line2) <= 200),
	city		text CHECK (length(city) <= 100),
	region		text CHECK (length(region) <= 100),
	postal_code	text CHECK (length(postal_code) <= 20),
	country		char(2) CHECK (country ~ '^[A-Z]{2}$'),
	bio		text CHECK (length(bio) <= 2000),
	photo_file_id	text CHECK (length(photo_file_id) <= 200),
	emergency_contact_name	text CHECK (length(emergency_contact_name) <= 200),
	emergency_contact_phone	text
			    CHECK (emergency_contact_phone ~ '^\+[1-9][0-9]{7,14}$'),
	rating		numeric(3,2) CHECK (rating BETWEEN 0 AND 5),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
	    ON DELETE CASCADE
);

CREATE TABLE staff_industries (
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	staff_id	uuid NOT NULL,
	industry	text NOT NULL CHECK (industry ~ '^[a-z][a-z0-9_]{0,47}$'),
	years_experience integer CHECK (years_experience BETWEEN 0 AND 80),
	PRIMARY KEY (staff_id, industry),
	FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
	    ON DELETE CASCADE
);

CREATE TABLE staff_skills (
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	staff_id	uuid NOT NULL,
	skill		text NOT NULL CHECK (skill ~ '^[a-z][a-z0-9_]{0,47}$'),
	level		text NOT NULL DEFAULT 'intermediate'
			    CHECK (level IN ('beginner', 'intermediate',
			    'advanced', 'expert')),
	PRIMARY KEY (staff_id, skill),
	FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
	    ON DELETE CASCADE
);

-- The vendor roles a worker may fill.
CREATE TABLE staff_roles (
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	vendor_id	uuid NOT NULL,
	staff_id	uuid NOT NULL,
	vendor_role_id	uuid NOT NULL,
	PRIMARY KEY (staff_id, vendor_role_id),
	FOREIGN KEY (tenant_id, vendor_id, staff_id)
	    REFERENCES staff (tenant_id, vendor_id, id) ON DELETE CASCADE,
	FOREIGN KEY (tenant_id, vendor_id, vendor_role_id)
	    REFERENCES vendor_roles (tenant_id, vendor_id, id)
);
CREATE INDEX staff_roles_role_idx ON staff_roles (vendor_role_id);

CREATE TABLE staff_documents (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	staff_id	uuid NOT NULL,
	doc_type	text NOT NULL CHECK (doc_type IN ('id_card', 'passport',
			    'drivers_license', 'work_permit', 'tax_form',
			    'contract', 'other')),
	file_id		text NOT NULL CHECK (length(file_id) BETWEEN 1 AND 200),
	file_name	text CHECK (length(file_name) <= 255),
	status		text NOT NULL DEFAULT 'pending'
			    CHECK (status IN ('pending', 'verified',
			    'rejected')),
	review_note	text CHECK (length(review_note) <= 1000),
	uploaded_at	timestamptz NOT NULL DEFAULT now(),
	reviewed_at	timestamptz,
	deleted_at	timestamptz,
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
	    ON DELETE CASCADE
);
CREATE INDEX staff_documents_staff_idx ON staff_documents (staff_id,
    uploaded_at);

CREATE TABLE staff_certificates (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	staff_id	uuid NOT NULL,
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	issuer		text CHECK (length(issuer) <= 200),
	number		text CHECK (length(number) <= 100),
	issued_on	date,
	expires_on	date CHECK (expires_on IS NULL OR issued_on IS NULL OR
			    expires_on >= issued_on),
	file_id		text CHECK (length(file_id) <= 200),
	verification_status text NOT NULL DEFAULT 'pending'
			    CHECK (verification_status IN ('pending',
			    'verified', 'rejected')),
	verified_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	deleted_at	timestamptz,
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
	    ON DELETE CASCADE
);
CREATE INDEX staff_certificates_staff_idx ON staff_certificates (staff_id,
    expires_on);

-- Bank accounts are never stored in clear: a token of the payment
-- provider and the last four digits.
CREATE TABLE staff_bank_accounts (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	staff_id	uuid NOT NULL,
	holder_name	text NOT NULL CHECK (length(holder_name) BETWEEN 1 AND 200),
	bank_name	text CHECK (length(bank_name) <= 200),
	account_type	text NOT NULL DEFAULT 'checking'
			    CHECK (account_type IN ('checking', 'savings')),
	account_last4	char(4) NOT NULL CHECK (account_last4 ~ '^[0-9]{4}$'),
	routing_last4	char(4) CHECK (routing_last4 ~ '^[0-9]{4}$'),
	provider_token	text NOT NULL CHECK (length(provider_token)
			    BETWEEN 1 AND 200),
	currency	char(3) NOT NULL DEFAULT 'USD'
			    CHECK (currency ~ '^[A-Z]{3}$'),
	country		char(2) NOT NULL DEFAULT 'US'
			    CHECK (country ~ '^[A-Z]{2}$'),
	is_default	boolean NOT NULL DEFAULT false,
	created_at	timestamptz NOT NULL DEFAULT now(),
	deleted_at	timestamptz,
	UNIQUE (tenant_id, id),
	UNIQUE (tenant_id, staff_id, id),
	FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
	    ON DELETE CASCADE
);
CREATE UNIQUE INDEX staff_bank_accounts_default_idx
    ON staff_bank_accounts (staff_id) WHERE is_default AND deleted_at IS NULL;

CREATE TABLE staff_benefits (
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	staff_id	uuid NOT NULL,
	benefit		text NOT NULL CHECK (benefit IN ('health', 'dental',
			    'vision', 'retirement', 'commuter',
			    'paid_time_off')),
	status		text NOT NULL DEFAULT 'enrolled'
			    CHECK (status IN ('eligible', 'enrolled',
			    'declined')),
	enrolled_at	timestamptz,
	PRIMARY KEY (staff_id, benefit),
	FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
	    ON DELETE CASCADE
);

-- Weekly availability: day_of_week 0 = Sunday .. 6, local wall-clock
-- times (the worker's own zone: time_zone).
CREATE TABLE staff_availability (
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	staff_id	uuid NOT NULL,
	day_of_week	smallint NOT NULL CHECK (day_of_week BETWEEN 0 AND 6),
	start_time	time NOT NULL,
	end_time	time NOT NULL,
	time_zone	text NOT NULL DEFAULT 'UTC',
	PRIMARY KEY (staff_id, day_of_week, start_time),
	FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
	    ON DELETE CASCADE,
	CHECK (end_time > start_time)
);

-- A day that differs from the weekly pattern: unavailable (whole day
-- when no times) or available at other hours.
CREATE TABLE staff_availability_exceptions (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	staff_id	uuid NOT NULL,
	day		date NOT NULL,
	available	boolean NOT NULL,
	start_time	time,
	end_time	time,
	reason		text CHECK (length(reason) <= 500),
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, id),
	FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
	    ON DELETE CASCADE,
	CHECK ((start_time IS NULL) = (end_time IS NULL)),
	CHECK (end_time IS NULL OR end_time > start_time),
	CHECK (available = false OR start_time IS NOT NULL)
);
CREATE TRIGGER staff_availability_time_zone BEFORE INSERT OR UPDATE OF
    time_zone ON staff_availability
    FOR EACH ROW EXECUTE FUNCTION krow_check_time_zone();

CREATE INDEX staff_availability_exceptions_idx
    ON staff_availability_exceptions (staff_id, day);

CREATE INDEX staff_tenant_name_idx ON staff (tenant_id, last_name,
    first_name, id);

-- ---------------------------------------------------------------------
-- Orders, shifts, positions, assignments, swaps, time entries.

-- status: draft (not visible to vendors) -> open (positions to fill) ->
-- filled (every position filled) -> in_progress (a shift started) ->
-- completed; or cancelled.
CREATE TABLE orders (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	hub_id		uuid NOT NULL,
	cost_center_id	uuid,
	billing_account_id uuid,		-- NULL: the business's default
	order_number	text NOT NULL CHECK (length(order_number) BETWEEN 1 AND 40),
	title		text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	notes		text CHECK (length(notes) <= 4000),
	status		text NOT NULL DEFAULT 'open'
			    CHECK (status IN ('draft', 'open', 'filled',
			    'in_progress', 'completed', 'cancelled')),
	source_order_id	uuid,			-- the order this one repeats
	-- Span of the order's shifts, kept by a trigger on shifts (NULL
	-- without shifts).
	first_shift_at	timestamptz,
	last_shift_end	timestamptz,
	created_by	uuid,
	cancelled_at	timestamptz,
	cancel_reason	text CHECK (length(cancel_reason) <= 1000),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, id),
	UNIQUE (tenant_id, business_id, id),
	UNIQUE (business_id, order_number),
	FOREIGN KEY (tenant_id, business_id, hub_id)
	    REFERENCES hubs (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, cost_center_id)
	    REFERENCES cost_centers (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, source_order_id)
	    REFERENCES orders (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, billing_account_id)
	    REFERENCES billing_accounts (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, created_by)
	    REFERENCES users (tenant_id, business_id, id),
	CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX orders_business_idx ON orders (business_id, created_at, id);
CREATE INDEX orders_business_start_idx ON orders (business_id,
    (coalesce(first_shift_at, created_at)), id);
CREATE INDEX orders_tenant_idx ON orders (tenant_id, created_at, id);
CREATE INDEX orders_hub_idx ON orders (hub_id);
CREATE INDEX orders_source_idx ON orders (source_order_id)
    WHERE source_order_id IS NOT NULL;

-- hub_id repeats the order's hub (shifts are read by hub and day).
CREATE TABLE shifts (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	order_id	uuid NOT NULL,
	hub_id		uuid NOT NULL,
	starts_at	timestamptz NOT NULL,
	ends_at		timestamptz NOT NULL,
	break_minutes	integer NOT NULL DEFAULT 0
			    CHECK (break_minutes BETWEEN 0 AND 240),
	status		text NOT NULL DEFAULT 'open'
			    CHECK (status IN ('open', 'filled', 'in_progress',
			    'completed', 'cancelled')),
	notes		text CHECK (length(notes) <= 4000),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, id),
	UNIQUE (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, order_id)
	    REFERENCES orders (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, hub_id)
	    REFERENCES hubs (tenant_id, business_id, id),
	CHECK (ends_at > starts_at AND ends_at <= starts_at + interval '24 hours')
);
CREATE INDEX shifts_business_idx ON shifts (business_id, starts_at, id);
CREATE INDEX shifts_hub_idx ON shifts (hub_id, starts_at);
CREATE INDEX shifts_order_idx ON shifts (order_id, starts_at);
CREATE INDEX shifts_tenant_idx ON shifts (tenant_id, starts_at);

-- Keep orders.first_shift_at and last_shift_end equal to the span of
-- their shifts, whatever writes the shifts (one statement at a time).
CREATE FUNCTION krow_orders_span() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE orders o SET first_shift_at = x.f, last_shift_end = x.l
		FROM (SELECT c.order_id, min(s.starts_at) AS f,
		    max(s.ends_at) AS l FROM (SELECT DISTINCT order_id
		    FROM old_shifts) c LEFT JOIN shifts s
		    ON s.order_id = c.order_id GROUP BY c.order_id) x
		WHERE o.id = x.order_id;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		UPDATE orders o SET first_shift_at = x.f, last_shift_end = x.l
		FROM (SELECT c.order_id, min(s.starts_at) AS f,
		    max(s.ends_at) AS l FROM (SELECT DISTINCT order_id
		    FROM new_shifts) c JOIN shifts s
		    ON s.order_id = c.order_id GROUP BY c.order_id) x
		WHERE o.id = x.order_id;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER shifts_span_insert AFTER INSERT ON shifts
    REFERENCING NEW TABLE AS new_shifts
    FOR EACH STATEMENT EXECUTE FUNCTION krow_orders_span();
CREATE TRIGGER shifts_span_update AFTER UPDATE ON shifts
    REFERENCING OLD TABLE AS old_shifts NEW TABLE AS new_shifts
    FOR EACH STATEMENT EXECUTE FUNCTION krow_orders_span();
CREATE TRIGGER shifts_span_delete AFTER DELETE ON shifts
    REFERENCING OLD TABLE AS old_shifts
    FOR EACH STATEMENT EXECUTE FUNCTION krow_orders_span();

-- A role x headcount on a shift, supplied by one vendor, with the rates
-- copied from the vendor role when the position was created.
CREATE TABLE shift_positions (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	shift_id	uuid NOT NULL,
	vendor_id	uuid NOT NULL,
	vendor_role_id	uuid NOT NULL,
	headcount	integer NOT NULL CHECK (headcount BETWEEN 1 AND 500),
	bill_rate_cents	bigint NOT NULL CHECK (bill_rate_cents BETWEEN 0 AND 100000000),
	pay_rate_cents	bigint NOT NULL CHECK (pay_rate_cents BETWEEN 0 AND 100000000),
	currency	char(3) NOT NULL DEFAULT 'USD'
			    CHECK (currency ~ '^[A-Z]{3}$'),
	status		text NOT NULL DEFAULT 'open'
			    CHECK (status IN ('open', 'filled', 'cancelled')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, business_id, id),
	UNIQUE (tenant_id, business_id, shift_id, id, vendor_id),
	FOREIGN KEY (tenant_id, business_id, shift_id)
	    REFERENCES shifts (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, vendor_id, vendor_role_id)
	    REFERENCES vendor_roles (tenant_id, vendor_id, id),
	FOREIGN KEY (tenant_id, business_id, vendor_id)
	    REFERENCES business_vendors (tenant_id, business_id, vendor_id)
);
CREATE INDEX shift_positions_shift_idx ON shift_positions (shift_id);
CREATE INDEX shift_positions_role_idx ON shift_positions (vendor_role_id);

-- A worker on a position.  applied -> assigned -> confirmed -> checked_in
-- -> checked_out -> completed; or declined, cancelled, no_show.  A worker
-- holds at most one live assignment per shift.
CREATE TABLE assignments (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	shift_id	uuid NOT NULL,
	position_id	uuid NOT NULL,
	vendor_id	uuid NOT NULL,
	staff_id	uuid NOT NULL,
	status		text NOT NULL
			    CHECK (status IN ('applied', 'assigned',
			    'confirmed', 'checked_in', 'checked_out',
			    'completed', 'declined', 'cancelled', 'no_show')),
	applied_at	timestamptz,
	assigned_at	timestamptz,
	confirmed_at	timestamptz,
	checked_in_at	timestamptz,
	checked_out_at	timestamptz,
	completed_at	timestamptz,
	declined_at	timestamptz,
	cancelled_at	timestamptz,
	cancel_reason	text CHECK (length(cancel_reason) <= 1000),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, id),
	UNIQUE (tenant_id, business_id, id),
	UNIQUE (tenant_id, business_id, id, staff_id, shift_id),
	FOREIGN KEY (tenant_id, business_id, shift_id, position_id, vendor_id)
	    REFERENCES shift_positions (tenant_id, business_id, shift_id, id,
	    vendor_id),
	FOREIGN KEY (tenant_id, vendor_id, staff_id)
	    REFERENCES staff (tenant_id, vendor_id, id)
);
CREATE UNIQUE INDEX assignments_live_idx ON assignments (shift_id, staff_id)
    WHERE status NOT IN ('declined', 'cancelled');
CREATE INDEX assignments_position_idx ON assignments (position_id, status);
CREATE INDEX assignments_staff_idx ON assignments (staff_id, status);
CREATE INDEX assignments_shift_idx ON assignments (shift_id);

CREATE TABLE swap_requests (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	assignment_id	uuid NOT NULL,
	reason		text CHECK (length(reason) <= 1000),
	status		text NOT NULL DEFAULT 'pending'
			    CHECK (status IN ('pending', 'approved',
			    'rejected', 'cancelled')),
	resolved_by	uuid,
	resolved_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, assignment_id)
	    REFERENCES assignments (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, resolved_by)
	    REFERENCES users (tenant_id, business_id, id)
);
CREATE UNIQUE INDEX swap_requests_pending_idx ON swap_requests
    (assignment_id) WHERE status = 'pending';

-- A clock-in and (later) clock-out of a worker on an assignment.
-- worked_minutes: time between them less the break, once clocked out.
CREATE TABLE time_entries (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	assignment_id	uuid NOT NULL,
	staff_id	uuid NOT NULL,
	shift_id	uuid NOT NULL,
	clock_in_at	timestamptz NOT NULL,
	clock_out_at	timestamptz,
	clock_in_method	text NOT NULL
			    CHECK (clock_in_method IN ('nfc', 'geofence',
			    'manual')),
	clock_out_method text CHECK (clock_out_method IN ('nfc', 'geofence',
			    'manual')),
	clock_in_latitude  numeric(9,6) CHECK (clock_in_latitude BETWEEN -90 AND 90),
	clock_in_longitude numeric(9,6) CHECK (clock_in_longitude BETWEEN -180 AND 180),
	clock_out_latitude  numeric(9,6) CHECK (clock_out_latitude BETWEEN -90 AND 90),
	clock_out_longitude numeric(9,6) CHECK (clock_out_longitude BETWEEN -180 AND 180),
	nfc_tag_id	uuid,
	break_minutes	integer NOT NULL DEFAULT 0
			    CHECK (break_minutes BETWEEN 0 AND 240),
	worked_minutes	integer GENERATED ALWAYS AS (
			    CASE WHEN clock_out_at IS NULL THEN NULL
			    ELSE greatest(0, (extract(epoch FROM
			    clock_out_at - clock_in_at) / 60)::integer -
			    break_minutes) END) STORED,
	status		text NOT NULL DEFAULT 'open'
			    CHECK (status IN ('open', 'closed', 'approved',
			    'voided')),
	-- An invoice line bills this entry (kept by a trigger on
	-- invoice_lines): unbilled work is read through a partial index.
	invoiced	boolean NOT NULL DEFAULT false,
	corrected_by	uuid,
	corrected_at	timestamptz,
	correction_reason text CHECK (length(correction_reason) <= 1000),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, id),
	UNIQUE (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, assignment_id, staff_id, shift_id)
	    REFERENCES assignments (tenant_id, business_id, id, staff_id,
	    shift_id),
	FOREIGN KEY (tenant_id, business_id, nfc_tag_id)
	    REFERENCES nfc_tags (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, corrected_by)
	    REFERENCES users (tenant_id, business_id, id),
	CHECK (clock_out_at IS NULL OR clock_out_at > clock_in_at),
	CHECK ((clock_out_at IS NULL) = (status = 'open') OR status = 'voided'),
	CHECK (clock_in_method <> 'nfc' OR nfc_tag_id IS NOT NULL),
	CHECK (clock_out_at IS NULL OR clock_out_method IS NOT NULL),
	CHECK ((clock_in_latitude IS NULL) = (clock_in_longitude IS NULL)),
	CHECK ((clock_out_latitude IS NULL) = (clock_out_longitude IS NULL))
);
CREATE UNIQUE INDEX time_entries_open_idx ON time_entries (staff_id)
    WHERE status = 'open';
CREATE INDEX time_entries_business_idx ON time_entries (business_id,
    clock_in_at);
CREATE INDEX time_entries_assignment_idx ON time_entries (assignment_id);
CREATE INDEX time_entries_staff_idx ON time_entries (staff_id, clock_in_at);
CREATE INDEX time_entries_shift_idx ON time_entries (shift_id);
CREATE INDEX time_entries_unbilled_idx ON time_entries (business_id,
    clock_in_at) WHERE NOT invoiced AND status <> 'voided';

-- ---------------------------------------------------------------------
-- Invoices and staff payments.

-- One invoice per business, vendor and period (dates in the business's
-- billing calendar).  pending -> approved -> paid, or pending ->
-- disputed (reason; disputed lines flagged) -> approved -> paid.
CREATE TABLE invoices (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	vendor_id	uuid NOT NULL,
	billing_account_id uuid NOT NULL,
	invoice_number	text NOT NULL CHECK (length(invoice_number) BETWEEN 1 AND 40),
	period_start	date NOT NULL,
	period_end	date NOT NULL,
	issued_at	timestamptz NOT NULL DEFAULT now(),
	due_date	date NOT NULL,
	status		text NOT NULL DEFAULT 'pending'
			    CHECK (status IN ('pending', 'approved',
			    'disputed', 'paid')),
	currency	char(3) NOT NULL DEFAULT 'USD'
			    CHECK (currency ~ '^[A-Z]{3}$'),
	subtotal_cents	bigint NOT NULL DEFAULT 0 CHECK (subtotal_cents >= 0),
	tax_cents	bigint NOT NULL DEFAULT 0 CHECK (tax_cents >= 0),
	total_cents	bigint NOT NULL DEFAULT 0,
	approved_at	timestamptz,
	approved_by	uuid,
	disputed_at	timestamptz,
	disputed_by	uuid,
	dispute_reason	text CHECK (length(dispute_reason) <= 2000),
	paid_at		timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, id),
	UNIQUE (tenant_id, business_id, id),
	UNIQUE (tenant_id, business_id, id, vendor_id),
	UNIQUE (tenant_id, invoice_number),
	FOREIGN KEY (tenant_id, business_id, vendor_id)
	    REFERENCES business_vendors (tenant_id, business_id, vendor_id),
	FOREIGN KEY (tenant_id, business_id, billing_account_id)
	    REFERENCES billing_accounts (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, approved_by)
	    REFERENCES users (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, disputed_by)
	    REFERENCES users (tenant_id, business_id, id),
	CHECK (period_end >= period_start),
	CHECK (total_cents = subtotal_cents + tax_cents),
	CHECK (status <> 'approved' OR approved_at IS NOT NULL),
	CHECK (status <> 'disputed' OR (disputed_at IS NOT NULL AND
	    dispute_reason IS NOT NULL)),
	CHECK (status <> 'paid' OR paid_at IS NOT NULL)
);
CREATE INDEX invoices_business_idx ON invoices (business_id, status,
    issued_at, id);
CREATE INDEX invoices_business_issued_idx ON invoices (business_id,
    issued_at, id);

-- A billed piece of work: normally one time entry.  hub, cost center and
-- role are copied from the work so that spend reads need no joins back
-- to it.  amount_cents = round(minutes x rate / 60).
CREATE TABLE invoice_lines (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	business_id	uuid NOT NULL,
	invoice_id	uuid NOT NULL,
	vendor_id	uuid NOT NULL,
	time_entry_id	uuid,
	hub_id		uuid NOT NULL,
	cost_center_id	uuid,
	vendor_role_id	uuid NOT NULL,
	staff_id	uuid,
	work_date	date NOT NULL,
	description	text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
	minutes		integer NOT NULL CHECK (minutes BETWEEN 0 AND 1440),
	rate_cents	bigint NOT NULL CHECK (rate_cents BETWEEN 0 AND 100000000),
	amount_cents	bigint NOT NULL CHECK (amount_cents >= 0),
	disputed	boolean NOT NULL DEFAULT false,
	dispute_note	text CHECK (length(dispute_note) <= 1000),
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, invoice_id, vendor_id)
	    REFERENCES invoices (tenant_id, business_id, id, vendor_id)
	    ON DELETE CASCADE,
	FOREIGN KEY (tenant_id, business_id, time_entry_id)
	    REFERENCES time_entries (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, hub_id)
	    REFERENCES hubs (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, business_id, cost_center_id)
	    REFERENCES cost_centers (tenant_id, business_id, id),
	FOREIGN KEY (tenant_id, vendor_id, vendor_role_id)
	    REFERENCES vendor_roles (tenant_id, vendor_id, id),
	FOREIGN KEY (tenant_id, vendor_id, staff_id)
	    REFERENCES staff (tenant_id, vendor_id, id),
	CHECK (amount_cents = round(minutes * rate_cents / 60.0))
);
CREATE UNIQUE INDEX invoice_lines_time_entry_idx ON invoice_lines
    (time_entry_id) WHERE time_entry_id IS NOT NULL;
CREATE INDEX invoice_lines_invoice_idx ON invoice_lines (invoice_id);
CREATE INDEX invoice_lines_business_idx ON invoice_lines (business_id,
    work_date);

-- Keep time_entries.invoiced true exactly while a line bills the entry.
CREATE FUNCTION krow_time_entries_invoiced() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE time_entries t SET invoiced = false
		FROM old_lines o
		WHERE t.id = o.time_entry_id AND t.invoiced AND
		    NOT EXISTS (SELECT 1 FROM invoice_lines l
		    WHERE l.time_entry_id = t.id);
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		UPDATE time_entries t SET invoiced = true
		FROM new_lines n
		WHERE t.id = n.time_entry_id AND NOT t.invoiced;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER invoice_lines_mark_insert AFTER INSERT ON invoice_lines
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION krow_time_entries_invoiced();
CREATE TRIGGER invoice_lines_mark_update AFTER UPDATE ON invoice_lines
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION krow_time_entries_invoiced();
CREATE TRIGGER invoice_lines_mark_delete AFTER DELETE ON invoice_lines
    REFERENCING OLD TABLE AS old_lines
    FOR EACH STATEMENT EXECUTE FUNCTION krow_time_entries_invoiced();

-- What a worker earned in a period, and its payout.
CREATE TABLE staff_payments (
	id		uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	vendor_id	uuid NOT NULL,
	staff_id	uuid NOT NULL,
	bank_account_id	uuid,
	period_start	date NOT NULL,
	period_end	date NOT NULL,
	shifts_count	integer NOT NULL DEFAULT 0 CHECK (shifts_count >= 0),
	minutes_worked	integer NOT NULL DEFAULT 0 CHECK (minutes_worked >= 0),
	currency	char(3) NOT NULL DEFAULT 'USD'
			    CHECK (currency ~ '^[A-Z]{3}$'),
	gross_cents	bigint NOT NULL CHECK (gross_cents >= 0),
	deductions_cents bigint NOT NULL DEFAULT 0 CHECK (deductions_cents >= 0),
	net_cents	bigint NOT NULL,
	status		text NOT NULL DEFAULT 'pending'
			    CHECK (status IN ('pending', 'processing', 'paid',
			    'failed')),
	paid_at		timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (tenant_id, id),
	UNIQUE (staff_id, period_start),
	FOREIGN KEY (tenant_id, vendor_id, staff_id)
	    REFERENCES staff (tenant_id, vendor_id, id),
	FOREIGN KEY (tenant_id, staff_id, bank_account_id)
	    REFERENCES staff_bank_accounts (tenant_id, staff_id, id),
	CHECK (period_end >= period_start),
	CHECK (net_cents = gross_cents - deductions_cents),
	CHECK (status <> 'paid' OR paid_at IS NOT NULL)
);
CREATE INDEX staff_payments_staff_idx ON staff_payments (staff_id,
    period_start DESC);

-- The time entries a payment covers.
CREATE TABLE staff_payment_lines (
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	payment_id	uuid NOT NULL,
	time_entry_id	uuid NOT NULL,
	minutes		integer NOT NULL CHECK (minutes BETWEEN 0 AND 1440),
	rate_cents	bigint NOT NULL CHECK (rate_cents >= 0),
	amount_cents	bigint NOT NULL CHECK (amount_cents >= 0),
	PRIMARY KEY (payment_id, time_entry_id),
	FOREIGN KEY (tenant_id, payment_id) REFERENCES staff_payments
	    (tenant_id, id) ON DELETE CASCADE,
	FOREIGN KEY (tenant_id, time_entry_id) REFERENCES time_entries
	    (tenant_id, id)
);
CREATE UNIQUE INDEX staff_payment_lines_entry_idx ON staff_payment_lines
    (time_entry_id);

CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id,
    created_at) WHERE actor_user_id IS NOT NULL;
