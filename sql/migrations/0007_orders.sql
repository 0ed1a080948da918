-- 0007_orders: what the order commands of krow-command need beyond 0003.
--
-- staff_events: what a worker is told about a change to its work (an
-- order cancelled under an assignment of its own, ...), written in the
-- transaction of the command that made the change.  A notification
-- sender or the staff app reads them (latest first); read_at marks the
-- ones the worker has seen.
--
-- order_number_seq: new orders are numbered ORD-<n> from one sequence,
-- taken without a lock (numbers of one business increase but are not
-- consecutive); it starts above the demo data's ORD-1xxx numbers.
--
-- Depends on 0001 and 0003.

CREATE TABLE staff_events (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant_id	uuid NOT NULL REFERENCES tenants (id),
	staff_id	uuid NOT NULL,
	kind		text NOT NULL
			    CHECK (kind ~
			    '^[a-z][a-z_]{0,31}\.[a-z][a-z_]{0,31}$'),
	business_id	uuid,
	order_id	uuid,
	shift_id	uuid,
	assignment_id	uuid,
	payload		jsonb NOT NULL DEFAULT '{}',
	request_id	uuid,
	created_at	timestamptz NOT NULL DEFAULT now(),
	read_at		timestamptz,
	FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
	    ON DELETE CASCADE,
	FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
	FOREIGN KEY (tenant_id, shift_id) REFERENCES shifts (tenant_id, id),
	FOREIGN KEY (tenant_id, assignment_id)
	    REFERENCES assignments (tenant_id, id)
);
CREATE INDEX staff_events_staff_idx ON staff_events (staff_id, created_at);
CREATE INDEX staff_events_unread_idx ON staff_events (staff_id)
    WHERE read_at IS NULL;

CREATE SEQUENCE order_number_seq START 100001;
