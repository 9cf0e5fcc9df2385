-- restricted marks an upload made by a School Organization Administrator: its rows may
-- name by User GUID only users of the upload's school (SPEC §8), or applying them would
-- link another school's user to it and hand over every right over that account. The
-- uploader's role is recorded with the upload because the upload runs later (queued) and
-- may run again (resumed), when only what is stored about it is known.
ALTER TABLE uploads ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;

-- Uploads still waiting when this runs were queued by a version that did not record the
-- uploader's role, and uploaded_by is only a name, which proves nothing. They run
-- restricted: a refused row is mended by uploading the file again, while a row applied
-- beyond the uploader's schools would have handed another school's user over.
UPDATE uploads SET restricted = 1 WHERE status IN ('Queued', 'In Progress');
