-- Personal data: the retention purge of ID documents and account deletion.
-- A purged file keeps its row (that it existed, its hash and size) with the instant the purge
-- began (`purge_started_at`, so an interrupted run is visible and resumed) and ended.
ALTER TABLE files ADD COLUMN purge_started_at BIGINT;
ALTER TABLE files ADD COLUMN purged_at BIGINT;
-- A deleted account keeps an anonymous row (its id is referenced by the selection record).
ALTER TABLE users ADD COLUMN deleted_at BIGINT;
