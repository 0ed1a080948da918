-- 0021_order_last_start: the start of an order's last shift, kept on the
-- order with the span of its shifts.
--
-- GET /query/client/reorders lists the completed orders, the one whose
-- last shift started latest first.  Without that start on the order it
-- computed it for every completed order of the business (9,078 at scale
-- 10) and sorted them all to show 50: 75 ms.  orders.last_shift_start is
-- kept by the same statement triggers on shifts as first_shift_at and
-- last_shift_end (krow_orders_span, 0003), and orders_completed_idx
-- gives the completed orders in that order: the page is read from the
-- index and stops after 51 rows.
--
-- Depends on 0003.

ALTER TABLE orders ADD COLUMN last_shift_start timestamptz;

UPDATE orders o SET last_shift_start = x.m
FROM (SELECT order_id, max(starts_at) AS m FROM shifts GROUP BY order_id) x
WHERE o.id = x.order_id;

CREATE OR REPLACE FUNCTION krow_orders_span() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE orders o SET first_shift_at = x.f, last_shift_end = x.l,
		    last_shift_start = x.ls
		FROM (SELECT c.order_id, min(s.starts_at) AS f,
		    max(s.ends_at) AS l, max(s.starts_at) AS ls
		    FROM (SELECT DISTINCT order_id FROM old_shifts) c
		    LEFT JOIN shifts s ON s.order_id = c.order_id
		    GROUP BY c.order_id) x
		WHERE o.id = x.order_id;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		UPDATE orders o SET first_shift_at = x.f, last_shift_end = x.l,
		    last_shift_start = x.ls
		FROM (SELECT c.order_id, min(s.starts_at) AS f,
		    max(s.ends_at) AS l, max(s.starts_at) AS ls
		    FROM (SELECT DISTINCT order_id FROM new_shifts) c
		    JOIN shifts s ON s.order_id = c.order_id
		    GROUP BY c.order_id) x
		WHERE o.id = x.order_id;
	END IF;
	RETURN NULL;
END
$$;

CREATE INDEX orders_completed_idx ON orders (tenant_id, business_id,
    last_shift_start, id) WHERE status = 'completed';
