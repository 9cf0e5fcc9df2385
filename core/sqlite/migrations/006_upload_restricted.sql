-- restricted marks an upload made by a School Organization Administrator: its rows may
-- name by User GUID only users of the upload's school (SPEC §8), or applying them would
-- link another school's user to it and hand over every right over that account. The
-- uploader's role is recorded with the upload because the upload runs later (queued) and
-- may run again (resumed), when only what is stored about it is known.
ALTER TABLE uploads ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;
