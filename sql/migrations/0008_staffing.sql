-- 0008_staffing: what the client staffing commands of krow-command need
-- beyond 0003 and 0006.
--
-- A business that rejects a worker's swap request says why; the note is
-- kept on the request (the requester's own reason stays in reason).
--
-- Depends on 0003 (swap_requests).

ALTER TABLE swap_requests ADD COLUMN resolution_note text
    CHECK (length(resolution_note) BETWEEN 1 AND 1000);
