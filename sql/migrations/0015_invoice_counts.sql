-- 0015_invoice_counts: what the invoice lists show of an invoice's
-- lines, kept on the invoice by the writes.
--
-- invoices.line_count, line_minutes and disputed_lines: the number of
-- lines, their minutes and the number disputed.  GET
-- /query/client/billing/invoices/pending and /history show them per
-- invoice; counting them per request read every line of every invoice of
-- the list (about 85 lines an invoice at scale 10, before the page's
-- limit: 6 ms for 40 pending invoices).  Statement triggers on
-- invoice_lines add the differences per invoice, so that concurrent
-- writers add up; the row lock of the UPDATE orders them.
--
-- Depends on 0003.

ALTER TABLE invoices
    ADD COLUMN line_count integer NOT NULL DEFAULT 0
	CHECK (line_count >= 0),
    ADD COLUMN line_minutes bigint NOT NULL DEFAULT 0
	CHECK (line_minutes >= 0),
    ADD COLUMN disputed_lines integer NOT NULL DEFAULT 0
	CHECK (disputed_lines >= 0);

UPDATE invoices i SET line_count = c.n, line_minutes = c.m,
    disputed_lines = c.d
FROM (SELECT invoice_id, count(*) AS n, sum(minutes) AS m,
    count(*) FILTER (WHERE disputed) AS d FROM invoice_lines
    GROUP BY invoice_id) c
WHERE i.id = c.invoice_id;

CREATE FUNCTION krow_invoices_line_counts() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		UPDATE invoices i SET line_count = i.line_count + d.n,
		    line_minutes = i.line_minutes + d.m,
		    disputed_lines = i.disputed_lines + d.d
		FROM (SELECT invoice_id, count(*) AS n, sum(minutes) AS m,
		    count(*) FILTER (WHERE disputed) AS d FROM new_lines
		    GROUP BY invoice_id) d
		WHERE i.id = d.invoice_id;
	ELSIF TG_OP = 'DELETE' THEN
		UPDATE invoices i SET line_count = i.line_count - d.n,
		    line_minutes = i.line_minutes - d.m,
		    disputed_lines = i.disputed_lines - d.d
		FROM (SELECT invoice_id, count(*) AS n, sum(minutes) AS m,
		    count(*) FILTER (WHERE disputed) AS d FROM old_lines
		    GROUP BY invoice_id) d
		WHERE i.id = d.invoice_id;
	ELSE
		UPDATE invoices i SET line_count = i.line_count + d.n,
		    line_minutes = i.line_minutes + d.m,
		    disputed_lines = i.disputed_lines + d.d
		FROM (SELECT invoice_id, sum(n) AS n, sum(m) AS m,
		    sum(d) AS d FROM (
		    SELECT invoice_id, 1 AS n, minutes::bigint AS m,
		    CASE WHEN disputed THEN 1 ELSE 0 END AS d FROM new_lines
		    UNION ALL
		    SELECT invoice_id, -1, -minutes::bigint,
		    CASE WHEN disputed THEN -1 ELSE 0 END FROM old_lines) x
		    GROUP BY invoice_id
		    HAVING sum(m) <> 0 OR sum(d) <> 0 OR sum(n) <> 0) d
		WHERE i.id = d.invoice_id;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER invoice_lines_count_insert AFTER INSERT ON invoice_lines
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION krow_invoices_line_counts();
CREATE TRIGGER invoice_lines_count_update AFTER UPDATE ON invoice_lines
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION krow_invoices_line_counts();
CREATE TRIGGER invoice_lines_count_delete AFTER DELETE ON invoice_lines
    REFERENCING OLD TABLE AS old_lines
    FOR EACH STATEMENT EXECUTE FUNCTION krow_invoices_line_counts();
