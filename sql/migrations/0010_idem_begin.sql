-- 0010_idem_begin: the start of an idempotent command in one round trip
-- (lib/idem.c).  Inside the command's transaction, krow_idem_begin():
--
--   1. purges a batch of expired keys (rows another transaction is
--      purging are skipped);
--   2. takes the key's transaction-scoped advisory lock, without waiting:
--      when another transaction holds it, answers locked = false;
--   3. drops the key's own row if it has expired (the key is free again);
--   4. answers the key's live row, if any (fingerprint, state, status,
--      body), else one row of NULLs.
--
-- Being a volatile PL/pgSQL function, each statement takes a new
-- snapshot: the lookup (4) sees a duplicate that committed while (2)
-- waited for nothing, exactly as a separate statement after the lock
-- would.  Rows are only ever written 'done' from now on (the answer and
-- the effect commit together); 'in_flight' stays valid for rows of older
-- versions.
--
-- Depends on 0005.

CREATE FUNCTION krow_idem_begin(p_scope text, p_user uuid, p_method text,
    p_route text, p_key text, p_purge integer)
RETURNS TABLE (locked boolean, fingerprint text, state text,
    status integer, body text)
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
	DELETE FROM idempotency_keys k
	WHERE (k.user_id, k.method, k.route, k.key) IN (SELECT x.user_id,
	    x.method, x.route, x.key FROM idempotency_keys x
	    WHERE x.expires_at < now() ORDER BY x.expires_at LIMIT p_purge
	    FOR UPDATE SKIP LOCKED);
	IF NOT pg_try_advisory_xact_lock(hashtextextended(p_scope, 0)) THEN
		RETURN QUERY SELECT false, NULL::text, NULL::text,
		    NULL::integer, NULL::text;
		RETURN;
	END IF;
	DELETE FROM idempotency_keys k WHERE k.user_id = p_user
	    AND k.method = p_method AND k.route = p_route AND k.key = p_key
	    AND k.expires_at <= now();
	RETURN QUERY SELECT true, k.fingerprint, k.state, k.status, k.body
	    FROM idempotency_keys k WHERE k.user_id = p_user
	    AND k.method = p_method AND k.route = p_route AND k.key = p_key;
	IF NOT FOUND THEN
		RETURN QUERY SELECT true, NULL::text, NULL::text,
		    NULL::integer, NULL::text;
	END IF;
END
$$;
