-- 0006_staff_commands: what the staff commands of krow-command need
-- beyond 0003 and 0005.
--
-- cancel-swap (and request-swap's check for a pending request) look up
-- the swap requests of one assignment, latest first; 0003 indexes only
-- the pending one.
--
-- Depends on 0003 (swap_requests).

CREATE INDEX swap_requests_assignment_idx ON swap_requests
    (assignment_id, created_at);
