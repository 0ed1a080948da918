-- 0002_auth: provider-independent lockouts and phone sign-in sessions, the
-- local provider's phone codes, refresh tokens that remember when their
-- chain was signed in, and staff profiles that may lack a name while they
-- are onboarding (phone self sign-up knows only the number).

-- Failure counters and send throttles of krow-auth, whatever the provider.
--   'email:<lower-case email>'  wrong passwords for that email
--   'phone:<E.164>'             wrong codes for that phone number
--   'start:<E.164>'             codes sent to that number (throttle)
-- failures counts within the window that began at window_start; when it
-- reaches the limit, locked_until is set and the count starts over.  Rows
-- exist for unknown emails too, so that a lock does not tell which
-- emails have accounts.
CREATE TABLE auth_lockouts (
	key		text PRIMARY KEY
			    CHECK (key ~ '^(email|phone|start):.' AND
			    length(key) <= 300),
	failures	integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
	window_start	timestamptz NOT NULL DEFAULT now(),
	locked_until	timestamptz,
	updated_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX auth_lockouts_updated_idx ON auth_lockouts (updated_at);

-- The lockouts move here: local_accounts no longer counts failures.
ALTER TABLE local_accounts DROP COLUMN failed_attempts;
ALTER TABLE local_accounts DROP COLUMN locked_until;

-- A phone sign-in between POST /auth/staff/phone/start and .../verify, for
-- every provider: the SHA-256 of the sessionInfo handed to the client (the
-- handle itself is not kept) and the number it was sent to, so that wrong
-- codes count against the number.
CREATE TABLE auth_phone_sessions (
	session_hash	bytea PRIMARY KEY CHECK (length(session_hash) = 32),
	phone		text NOT NULL
			    CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	used_at		timestamptz
);
CREATE INDEX auth_phone_sessions_phone_idx ON auth_phone_sessions (phone);

-- Phone codes of the local provider.  code_hash is SHA-256(sessionInfo ||
-- code): without the sessionInfo, which only the client holds, the row
-- does not give the code away.  A code is used once; 5 wrong tries end it.
CREATE TABLE local_phone_codes (
	session_hash	bytea PRIMARY KEY CHECK (length(session_hash) = 32),
	phone		text NOT NULL
			    CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
	code_hash	bytea NOT NULL CHECK (length(code_hash) = 32),
	attempts	integer NOT NULL DEFAULT 0,
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	used_at		timestamptz
);
CREATE INDEX local_phone_codes_phone_idx ON local_phone_codes (phone);

-- A refreshed local token keeps the auth_time of the sign-in that began
-- its chain (as Firebase does), so that a refresh after a sign-out stays
-- refused.  NULL for tokens made before this migration: created_at.
ALTER TABLE local_refresh_tokens ADD COLUMN auth_time timestamptz;

-- A staff member who signed up with a phone number alone is onboarding
-- and has no name yet; every other staff profile has both names.
ALTER TABLE staff ALTER COLUMN first_name DROP NOT NULL;
ALTER TABLE staff ALTER COLUMN last_name DROP NOT NULL;
ALTER TABLE staff ADD CONSTRAINT staff_named_check
    CHECK (status = 'onboarding' OR
    (first_name IS NOT NULL AND last_name IS NOT NULL));
