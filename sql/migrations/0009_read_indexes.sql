-- 0009_read_indexes: indexes that the read models of krow-query need at
-- scale, found by contrib/bench/query (auto_explain of every client and
-- staff read route against `krow-migrate --generate 10`: 200,000 shifts).
--
-- invoices_account_open_idx: GET /query/client/billing/accounts counts and
-- sums each account's unpaid invoices (STMT_CLIENT_BILLING_ACCOUNTS); with
-- no index on billing_account_id that was a sequential scan of invoices,
-- whose cost grew with the tenant.  Partial (paid invoices are never
-- read there) and covering (the sum needs total_cents only).
--
-- invoice_lines_cost_center_idx: GET /query/client/cost-centers sums each
-- cost center's lines of the month (STMT_CLIENT_COST_CENTERS), by
-- cost_center_id and work_date only; invoice_lines_business_idx then
-- served the date bound alone, across every business of the tenant
-- (25,000 lines read per cost center at scale 10 for 650 kept).
--
-- staff_vendor_active_idx: GET /query/client/vendors counts each
-- vendor's active staff (STMT_CLIENT_VENDORS); an index-only count
-- instead of a visit of every staff row of the vendor.
--
-- shift_positions_open_idx: the open positions a worker could apply for
-- (SQLR_OPENPOS_FROM in lib/sqlrules.h: GET /query/staff/shifts/open,
-- /shifts/:shiftId, /dashboard) are looked up by the worker's roles;
-- shift_positions_role_idx also holds every filled and cancelled
-- position of the role's history.
--
-- time_entries_unbilled_idx becomes covering (the same key and
-- predicate): GET /query/client/billing/current-bill reads the
-- business's time entries not invoiced yet (STMT_CLIENT_CURRENT_BILL);
-- without the columns it needs in the index, the generic plan of the
-- prepared statement walked every shift of the business (20,000) and
-- probed time_entries for each: 110 ms against 35 ms at scale 10.
--
-- Depends on 0001 and 0003.

CREATE INDEX invoices_account_open_idx ON invoices (billing_account_id)
    INCLUDE (total_cents) WHERE status <> 'paid';

CREATE INDEX invoice_lines_cost_center_idx ON invoice_lines
    (cost_center_id, work_date) INCLUDE (hub_id, amount_cents);

CREATE INDEX staff_vendor_active_idx ON staff (vendor_id)
    WHERE status = 'active';

CREATE INDEX shift_positions_open_idx ON shift_positions (vendor_role_id)
    WHERE status = 'open';

DROP INDEX time_entries_unbilled_idx;
CREATE INDEX time_entries_unbilled_idx ON time_entries (business_id,
    clock_in_at) INCLUDE (shift_id, assignment_id, status, worked_minutes,
    tenant_id) WHERE NOT invoiced AND status <> 'voided';
