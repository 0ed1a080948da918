-- 0017_list_counts: the counts and sums that the short client lists
-- show per item, kept on the item by the writes.
--
--   hubs.nfc_tag_count              active NFC tags of the hub
--   hubs.manager_count              hub managers of the hub
--   vendors.active_roles            active roles of the vendor
--   billing_accounts.open_invoices  invoices of the account not paid
--   billing_accounts.open_cents     their total
--
-- GET /query/client/hubs, /vendors and /billing/accounts showed them
-- through one sub-query per item and column; with them on the row, each
-- of these lists is one scan of its table, and PostgreSQL's cost of a
-- short list (mostly starting the plan's nodes) halves.
--
-- One trigger function keeps them all: statement triggers on the
-- counted table pass it the table to update, the column that names its
-- row, and pairs of (column, expression over a counted row).  It adds,
-- per row named, the sum of each expression over the new rows minus that
-- over the old ones, so that concurrent writers add up (a recount would
-- let the second of two concurrent inserts overwrite the first one's
-- count); the row lock of the UPDATE orders them.
-- krow_list_counts_diff() lists every kept value that differs from a
-- recount (none, unless something bypassed the triggers).
--
-- Depends on 0003 and 0014.

ALTER TABLE hubs
    ADD COLUMN nfc_tag_count integer NOT NULL DEFAULT 0
	CHECK (nfc_tag_count >= 0),
    ADD COLUMN manager_count integer NOT NULL DEFAULT 0
	CHECK (manager_count >= 0);
ALTER TABLE vendors ADD COLUMN active_roles integer NOT NULL DEFAULT 0
    CHECK (active_roles >= 0);
ALTER TABLE billing_accounts
    ADD COLUMN open_invoices integer NOT NULL DEFAULT 0
	CHECK (open_invoices >= 0),
    ADD COLUMN open_cents bigint NOT NULL DEFAULT 0;

-- The recounts: what each kept value must equal.
CREATE VIEW krow_list_counts AS
SELECT 'hubs' AS tbl, h.id, 'nfc_tag_count' AS col, h.nfc_tag_count::bigint
    AS kept, (SELECT count(*) FROM nfc_tags t WHERE t.hub_id = h.id
    AND t.status = 'active') AS counted
FROM hubs h
UNION ALL
SELECT 'hubs', h.id, 'manager_count', h.manager_count,
    (SELECT count(*) FROM hub_managers m WHERE m.hub_id = h.id)
FROM hubs h
UNION ALL
SELECT 'vendors', v.id, 'active_roles', v.active_roles,
    (SELECT count(*) FROM vendor_roles r WHERE r.vendor_id = v.id
    AND r.status = 'active')
FROM vendors v
UNION ALL
SELECT 'billing_accounts', a.id, 'open_invoices', a.open_invoices,
    (SELECT count(*) FROM invoices i WHERE i.billing_account_id = a.id
    AND i.status <> 'paid')
FROM billing_accounts a
UNION ALL
SELECT 'billing_accounts', a.id, 'open_cents', a.open_cents,
    (SELECT coalesce(sum(i.total_cents), 0) FROM invoices i
    WHERE i.billing_account_id = a.id AND i.status <> 'paid')
FROM billing_accounts a;

CREATE FUNCTION krow_list_counts_diff()
    RETURNS TABLE (tbl text, id uuid, col text, kept bigint, counted bigint)
    LANGUAGE sql STABLE
    AS $$
	SELECT * FROM krow_list_counts WHERE kept <> counted
$$;

UPDATE hubs h SET nfc_tag_count = c.counted
FROM krow_list_counts c
WHERE c.tbl = 'hubs' AND c.col = 'nfc_tag_count' AND c.id = h.id;
UPDATE hubs h SET manager_count = c.counted
FROM krow_list_counts c
WHERE c.tbl = 'hubs' AND c.col = 'manager_count' AND c.id = h.id;
UPDATE vendors v SET active_roles = c.counted
FROM krow_list_counts c
WHERE c.tbl = 'vendors' AND c.id = v.id;
UPDATE billing_accounts a SET open_invoices = c.counted
FROM krow_list_counts c
WHERE c.tbl = 'billing_accounts' AND c.col = 'open_invoices'
    AND c.id = a.id;
UPDATE billing_accounts a SET open_cents = c.counted
FROM krow_list_counts c
WHERE c.tbl = 'billing_accounts' AND c.col = 'open_cents' AND c.id = a.id;

-- TG_ARGV: the table to update, the column of the counted row that names
-- its row (by id), then (column, expression) pairs.  The transition
-- tables are new_rows and old_rows.
CREATE FUNCTION krow_list_counts_keep() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
	sets	text := '';
	news	text := '';
	olds	text := '';
	sums	text := '';
	nonzero	text := '';
	rows	text;
	i	integer;
BEGIN
	FOR i IN 1 .. (TG_NARGS - 2) / 2 LOOP
		sets := sets || format('%s%I = t.%I + d.c%s',
		    CASE WHEN i > 1 THEN ', ' ELSE '' END,
		    TG_ARGV[2 * i], TG_ARGV[2 * i], i);
		news := news || format(', (%s)::bigint AS c%s',
		    TG_ARGV[2 * i + 1], i);
		olds := olds || format(', -(%s)::bigint AS c%s',
		    TG_ARGV[2 * i + 1], i);
		sums := sums || format(', sum(c%s) AS c%s', i, i);
		nonzero := nonzero || format('%ssum(c%s) <> 0',
		    CASE WHEN i > 1 THEN ' OR ' ELSE '' END, i);
	END LOOP;
	IF TG_OP = 'INSERT' THEN
		rows := format('SELECT %I AS k%s FROM new_rows', TG_ARGV[1],
		    news);
	ELSIF TG_OP = 'DELETE' THEN
		rows := format('SELECT %I AS k%s FROM old_rows', TG_ARGV[1],
		    olds);
	ELSE
		rows := format('SELECT %I AS k%s FROM new_rows'
		    ' UNION ALL SELECT %I%s FROM old_rows',
		    TG_ARGV[1], news, TG_ARGV[1], olds);
	END IF;
	EXECUTE format('UPDATE %I t SET %s FROM (SELECT k%s FROM (%s) x'
	    ' GROUP BY k HAVING %s) d WHERE t.id = d.k',
	    TG_ARGV[0], sets, sums, rows, nonzero);
	RETURN NULL;
END
$$;

-- The three statement triggers (AFTER INSERT, UPDATE, DELETE) of table
-- tbl, named name_insert and so on, that run call with the transition
-- tables new_rows and old_rows (0018 uses it too).
CREATE FUNCTION krow_statement_triggers(tbl text, name text, call text)
    RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
	EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I'
	    ' REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT'
	    ' EXECUTE FUNCTION %s', name || '_insert', tbl, call);
	EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I'
	    ' REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows'
	    ' FOR EACH STATEMENT EXECUTE FUNCTION %s', name || '_update', tbl,
	    call);
	EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I'
	    ' REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT'
	    ' EXECUTE FUNCTION %s', name || '_delete', tbl, call);
END
$$;

-- The counted tables and the arguments of krow_list_counts_keep for
-- each (the table to update, the key column, then the (column,
-- expression) pairs).
SELECT krow_statement_triggers(v.tbl, v.tbl || '_list_counts',
    format('krow_list_counts_keep(%s)', (SELECT string_agg(quote_literal(a),
    ', ') FROM unnest(v.args) a)))
FROM (VALUES
    ('nfc_tags', ARRAY['hubs', 'hub_id', 'nfc_tag_count',
	'(status = ''active'')::integer']),
    ('hub_managers', ARRAY['hubs', 'hub_id', 'manager_count', '1']),
    ('vendor_roles', ARRAY['vendors', 'vendor_id', 'active_roles',
	'(status = ''active'')::integer']),
    ('invoices', ARRAY['billing_accounts', 'billing_account_id',
	'open_invoices', '(status <> ''paid'')::integer', 'open_cents',
	'CASE WHEN status <> ''paid'' THEN total_cents ELSE 0 END']))
    v(tbl, args);
