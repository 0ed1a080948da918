-- 0005_commands: what krow-command needs beyond the domain schema.
--
-- idempotency_keys: one row per user, method, route pattern and
-- Idempotency-Key (lib/idem.c).  The row is written in the command's own
-- transaction: 'in_flight' while the handler runs (visible to nobody
-- else: concurrent duplicates are turned away by a transaction-scoped
-- advisory lock), then 'done' with the stored answer, committed with the
-- effect.  A 4xx answer is stored 'done' without an effect; a 5xx is
-- never stored.  Rows live until expires_at and are purged in batches by
-- later commands.
--
-- Depends on 0001 and 0003 (users_tenant_id_key).

CREATE TABLE idempotency_keys (
	user_id		uuid NOT NULL,
	method		text NOT NULL
			    CHECK (method IN ('POST', 'PUT', 'PATCH', 'DELETE')),
	route		text NOT NULL CHECK (length(route) BETWEEN 1 AND 200),
	key		text NOT NULL CHECK (key ~ '^[ -~]{1,255}$'),
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	fingerprint	text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
	state		text NOT NULL DEFAULT 'in_flight'
			    CHECK (state IN ('in_flight', 'done')),
	status		integer CHECK (status BETWEEN 200 AND 499),
	body		text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	PRIMARY KEY (user_id, method, route, key),
	FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
	    ON DELETE CASCADE,
	CHECK ((state = 'done') = (status IS NOT NULL AND body IS NOT NULL)),
	CHECK (expires_at > created_at)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);

-- Audit rows of commands carry a before/after summary in summary; the
-- lookups "what happened to this hub/invoice" use audit_events_target_idx.
