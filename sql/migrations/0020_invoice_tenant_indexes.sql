-- 0020_invoice_tenant_indexes: the business indexes of invoices lead
-- with the tenant.
--
-- Every read names the tenant as well as the business (the identity rule:
-- ARCHITECTURE.md section 5).  With the business indexes of 0003, the
-- generic plans of the invoice lists and the dashboard ANDed a business
-- index with the tenant's unique index (tenant_id, invoice_number): a
-- bitmap of every invoice of the tenant on each request, so the cost grew
-- with the tenant (0.45 of 2.4 ms for the invoice history at scale 10),
-- and the history could not walk its index in order and stop after a
-- page.  With the tenant first in the index the plans use it alone: the
-- history reads the page's rows backwards from (issued_at, id), 0.8 ms.
--
-- Depends on 0003.

CREATE INDEX invoices_tenant_business_idx ON invoices (tenant_id,
    business_id, status, issued_at, id);
CREATE INDEX invoices_tenant_business_issued_idx ON invoices (tenant_id,
    business_id, issued_at, id);
DROP INDEX invoices_business_idx;
DROP INDEX invoices_business_issued_idx;
