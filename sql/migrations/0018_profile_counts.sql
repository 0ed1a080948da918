-- 0018_profile_counts: what the profile completeness rules count of a
-- worker's profile tables, kept in one row per worker by the writes.
--
-- GET /query/staff/profile-completion, /profile/sections and /dashboard
-- apply the rules of PROFILE_RULES (fcgi/query/main.c) to counts of the
-- worker's industries, skills, documents, certificates, bank accounts,
-- weekly availability and benefits.  Counting them per request took one
-- sub-query per count (eleven): most of the cost of those routes.  The
-- counts now come from staff_profile_counts, one row per worker that has
-- any profile row (none: every count is 0).
--
-- cert_valid_until: the latest expiry of a certificate not deleted and
-- not rejected ('infinity' when one never expires; NULL when there is
-- none), so that whether the worker holds a valid certificate today is
-- decided when reading, as "today" moves.
--
-- Statement triggers on the seven tables recount the workers their rows
-- name.  A recount is exact under concurrent writers: it first locks the
-- worker's row, and the UPDATE that recounts is a later statement, whose
-- snapshot (READ COMMITTED) sees what a writer that held the lock before
-- committed.  krow_staff_profile_diff() lists the rows that differ from a
-- recount (none, unless something bypassed the triggers).
--
-- Depends on 0003 and 0017 (krow_statement_triggers).

CREATE TABLE staff_profile_counts (
	staff_id	uuid PRIMARY KEY REFERENCES staff ON DELETE CASCADE,
	industries	integer NOT NULL DEFAULT 0,
	skills		integer NOT NULL DEFAULT 0,
	documents	integer NOT NULL DEFAULT 0,
	id_documents	integer NOT NULL DEFAULT 0,
	tax_forms	integer NOT NULL DEFAULT 0,
	certificates	integer NOT NULL DEFAULT 0,
	cert_valid_until date,
	bank_accounts	integer NOT NULL DEFAULT 0,
	default_bank_accounts integer NOT NULL DEFAULT 0,
	availability	integer NOT NULL DEFAULT 0,
	benefits	integer NOT NULL DEFAULT 0
);

-- The counts from scratch, per worker: what each row must hold.
CREATE VIEW krow_staff_profile_recount AS
SELECT s.id AS staff_id,
    (SELECT count(*) FROM staff_industries i WHERE i.staff_id = s.id)::integer
	AS industries,
    (SELECT count(*) FROM staff_skills k WHERE k.staff_id = s.id)::integer
	AS skills,
    (SELECT count(*) FROM staff_documents d WHERE d.staff_id = s.id
	AND d.deleted_at IS NULL)::integer AS documents,
    (SELECT count(*) FROM staff_documents d WHERE d.staff_id = s.id
	AND d.deleted_at IS NULL AND d.status <> 'rejected'
	AND d.doc_type IN ('id_card', 'passport', 'drivers_license'))::integer
	AS id_documents,
    (SELECT count(*) FROM staff_documents d WHERE d.staff_id = s.id
	AND d.deleted_at IS NULL AND d.status <> 'rejected'
	AND d.doc_type = 'tax_form')::integer AS tax_forms,
    (SELECT count(*) FROM staff_certificates c WHERE c.staff_id = s.id
	AND c.deleted_at IS NULL)::integer AS certificates,
    (SELECT max(coalesce(c.expires_on, 'infinity'::date))
	FROM staff_certificates c WHERE c.staff_id = s.id
	AND c.deleted_at IS NULL AND c.verification_status <> 'rejected')
	AS cert_valid_until,
    (SELECT count(*) FROM staff_bank_accounts b WHERE b.staff_id = s.id
	AND b.deleted_at IS NULL)::integer AS bank_accounts,
    (SELECT count(*) FROM staff_bank_accounts b WHERE b.staff_id = s.id
	AND b.deleted_at IS NULL AND b.is_default)::integer
	AS default_bank_accounts,
    (SELECT count(*) FROM staff_availability w
	WHERE w.staff_id = s.id)::integer AS availability,
    (SELECT count(*) FROM staff_benefits f WHERE f.staff_id = s.id)::integer
	AS benefits
FROM staff s;

-- Recount the workers ids (those that still exist).
CREATE FUNCTION krow_staff_profile_recount(ids uuid[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
	IF ids IS NULL THEN
		RETURN;
	END IF;
	INSERT INTO staff_profile_counts (staff_id)
	SELECT s.id FROM staff s JOIN unnest(ids) x(id) ON x.id = s.id
	ORDER BY s.id
	ON CONFLICT (staff_id) DO NOTHING;
	PERFORM 1 FROM staff_profile_counts c JOIN unnest(ids) x(id)
	    ON x.id = c.staff_id
	ORDER BY c.staff_id FOR UPDATE OF c;
	UPDATE staff_profile_counts c SET industries = r.industries,
	    skills = r.skills, documents = r.documents,
	    id_documents = r.id_documents, tax_forms = r.tax_forms,
	    certificates = r.certificates,
	    cert_valid_until = r.cert_valid_until,
	    bank_accounts = r.bank_accounts,
	    default_bank_accounts = r.default_bank_accounts,
	    availability = r.availability, benefits = r.benefits
	FROM krow_staff_profile_recount r JOIN unnest(ids) x(id)
	    ON x.id = r.staff_id
	WHERE c.staff_id = r.staff_id;
END
$$;

CREATE FUNCTION krow_staff_profile_diff()
    RETURNS TABLE (staff_id uuid, kept staff_profile_counts,
	counted krow_staff_profile_recount)
    LANGUAGE sql STABLE
    AS $$
	SELECT r.staff_id, c, r FROM krow_staff_profile_recount r
	LEFT JOIN staff_profile_counts c ON c.staff_id = r.staff_id
	WHERE (c.industries, c.skills, c.documents, c.id_documents,
	    c.tax_forms, c.certificates, c.cert_valid_until, c.bank_accounts,
	    c.default_bank_accounts, c.availability, c.benefits)
	    IS DISTINCT FROM
	    (r.industries, r.skills, r.documents, r.id_documents,
	    r.tax_forms, r.certificates, r.cert_valid_until, r.bank_accounts,
	    r.default_bank_accounts, r.availability, r.benefits)
	AND (c.staff_id IS NOT NULL OR r.industries + r.skills + r.documents
	    + r.certificates + r.bank_accounts + r.availability + r.benefits
	    > 0)
$$;

SELECT krow_staff_profile_recount(array_agg(id)) FROM staff;

-- The transition tables are new_rows and old_rows.
CREATE FUNCTION krow_staff_profile_keep() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
	ids	uuid[];
BEGIN
	IF TG_OP = 'INSERT' THEN
		SELECT array_agg(DISTINCT staff_id) INTO ids FROM new_rows;
	ELSIF TG_OP = 'DELETE' THEN
		SELECT array_agg(DISTINCT staff_id) INTO ids FROM old_rows;
	ELSE
		SELECT array_agg(DISTINCT staff_id) INTO ids FROM (
		    SELECT staff_id FROM new_rows
		    UNION SELECT staff_id FROM old_rows) x;
	END IF;
	PERFORM krow_staff_profile_recount(ids);
	RETURN NULL;
END
$$;

SELECT krow_statement_triggers(t, t || '_profile',
    'krow_staff_profile_keep()')
FROM unnest(ARRAY['staff_industries', 'staff_skills', 'staff_documents',
    'staff_certificates', 'staff_bank_accounts', 'staff_availability',
    'staff_benefits']) t;
