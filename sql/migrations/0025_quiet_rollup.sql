-- 0025_quiet_rollup: the roll-up's own writes of shifts and positions
-- no longer run the statement triggers that have nothing to do for
-- them.
--
-- krow_coverage_shift() (0023) writes a shift's totals (needed, filled,
-- on_site, cov_hub, cov_day) and its positions' contributions (cov_*,
-- shift_starts_at).  Each of those updates fired the read-mark trigger
-- of its table (two inserts into read_marks, from the old and the new
-- rows) and, for shifts, the order-span trigger, which then found no
-- order, start or end changed.  With pg_stat_statements, one connection,
-- that was about a tenth of a create-order's database time, and as much
-- of a clock-in's.  Neither has anything to do:
--
-- - The marks.  A roll-up runs only for shifts noted by a write of a
--   shift, a position (the count updates of krow_coverage_count_add
--   included), an order or a hub (0023); each of these tables marks the
--   business and the market of the rows it writes (read_mark_sources),
--   and the shift and its positions belong to the same business and
--   market.  So the write behind a roll-up has marked its scopes in the
--   same transaction, as for the derived roll-up tables of 0024.
-- - The span: a roll-up never changes a shift's order, start or end.
--
-- So krow_coverage_count_add() sets the transaction-local setting
-- krow.rollup to 'on' around each krow_coverage_shift() call, and these
-- three triggers are made again with WHEN (that setting is not 'on'):
-- shifts_read_marks_update, shift_positions_read_marks_update and
-- shifts_span_update.  Statement triggers evaluate WHEN once per
-- statement, before queueing; any other update (a command, a migration,
-- an operator's UPDATE) still fires them, and so does the count update
-- of krow_coverage_count_add (the only mark of the market when an
-- assignment fills a position), which runs outside the setting.  A
-- subtransaction rolled back restores the setting with the rest.
--
-- Depends on 0022, 0023, 0024.

CREATE OR REPLACE FUNCTION krow_coverage_count_add(p uuid[], df integer[],
    da integer[], dos integer[], more uuid[]) RETURNS void
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
	sid	uuid;
BEGIN
	FOR sid IN SELECT sp.shift_id FROM shift_positions sp
	    WHERE sp.id = ANY (p)
	    UNION SELECT m.id FROM unnest(more) m(id)
	    ORDER BY 1 LOOP
		PERFORM 1 FROM shifts x WHERE x.id = sid FOR NO KEY UPDATE;
		IF NOT FOUND THEN	-- deleted since
			CONTINUE;
		END IF;
		IF p IS NOT NULL THEN
			UPDATE shift_positions sp SET
			    filled_count = sp.filled_count + u.f,
			    applied_count = sp.applied_count + u.a,
			    on_site_count = sp.on_site_count + u.o
			FROM unnest(p, df, da, dos) AS u(id, f, a, o)
			WHERE sp.id = u.id AND sp.shift_id = sid;
		END IF;
		PERFORM set_config('krow.rollup', 'on', true);
		PERFORM krow_coverage_shift(sid);
		PERFORM set_config('krow.rollup', '', true);
	END LOOP;
END
$$;

DROP TRIGGER shifts_read_marks_update ON shifts;
CREATE TRIGGER shifts_read_marks_update AFTER UPDATE ON shifts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT
    WHEN (current_setting('krow.rollup', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION krow_read_marks_shifts();

DROP TRIGGER shift_positions_read_marks_update ON shift_positions;
CREATE TRIGGER shift_positions_read_marks_update AFTER UPDATE
    ON shift_positions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT
    WHEN (current_setting('krow.rollup', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION krow_read_marks_shift_positions();

DROP TRIGGER shifts_span_update ON shifts;
CREATE TRIGGER shifts_span_update AFTER UPDATE ON shifts
    REFERENCING OLD TABLE AS old_shifts NEW TABLE AS new_shifts
    FOR EACH STATEMENT
    WHEN (current_setting('krow.rollup', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION krow_orders_span();
