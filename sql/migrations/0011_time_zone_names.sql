-- 0011_time_zone_names: a fast time-zone check.
--
-- krow_valid_time_zone() (0003) looked the name up in pg_timezone_names,
-- which reads the server's whole tz database on every call (tens of
-- milliseconds): every hub write, every staff availability row and the
-- zone check of the commands paid that.  The names are now copied into
-- time_zone_names, a plain table, and looked up there first; a name not
-- in the copy (a zone added by a later tz data update) still falls back
-- to pg_timezone_names, so the answer is what the server knows.  A zone
-- removed by an update stays accepted until this table is refreshed
-- (INSERT ... SELECT name FROM pg_timezone_names, as below).
--
-- Depends on 0003.

CREATE TABLE time_zone_names (
	name	text PRIMARY KEY
);
INSERT INTO time_zone_names (name)
SELECT DISTINCT name FROM pg_timezone_names
ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION krow_valid_time_zone(tz text) RETURNS boolean
    LANGUAGE sql STABLE STRICT
    AS $$ SELECT EXISTS (SELECT 1 FROM time_zone_names WHERE name = tz)
	OR EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = tz) $$;
