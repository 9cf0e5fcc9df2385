-- No query asks for a user's schools without the school (school_users' primary key,
-- (school_id, user_id), serves every one), and users are never deleted, so the index
-- only cost an extra B-tree insert for every user an import links to a school.
DROP INDEX IF EXISTS school_users_user;
