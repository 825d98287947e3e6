-- Run once in each Freshet schema restored from a logical dump (pg_dump → pg_restore or
-- psql) into another Postgres cluster, before any Freshet service starts on it:
--
--   PGOPTIONS='-c search_path=freshet' psql "$DATABASE_URL" -v ON_ERROR_STOP=1 \
--     -f tools/deploy/restore/rebase-transaction-ids.sql
--   (and again with search_path=freshet_scheduler)
--
-- Why. Every event row records the id of the transaction that appended it (xid8), and the
-- event store orders its log by (transaction_id, global_position) and reads only rows
-- older than every running transaction (docs/decisions/0004). A dump keeps the old
-- cluster's ids, but a new cluster counts transactions from its own, usually far lower,
-- number: the restored events look like they come from the future. The outbox relay and
-- readAll would not see them until the new cluster's counter passed them, and every
-- append to a restored stream would fail with STREAM_ORDER_CONFLICT (its head "written by
-- a younger transaction"). A physical backup (pg_basebackup, a volume snapshot, PITR)
-- keeps the counter and needs none of this.
--
-- What. Every restored event gets transaction id 0, older than any transaction of any
-- cluster: the log reads in global_position order (which is each stream's version order:
-- a stream's next version is inserted after its previous one committed), and new appends
-- sort after all of it. Each relay checkpoint moves to just before the first event the
-- relay may not have published in the old order; events from there on are published
-- again, which JetStream and the consumers absorb (the cache by stream sequence, the
-- scheduler's ledger by its decider) — none is skipped.
--
-- Rewrites every event row: on a large log expect time and WAL in proportion, and run
-- `VACUUM (ANALYZE) events` afterwards. Running it twice changes nothing more.
begin;

lock table events, outbox_checkpoints in access exclusive mode;

update outbox_checkpoints c
   set position = coalesce(
         (select min(e.global_position) - 1
            from events e
           where (e.transaction_id, e.global_position) > (c.transaction_id, c.position)),
         (select coalesce(max(e.global_position), 0) from events e)),
       transaction_id = '0'::xid8,
       updated_at = now();

update events set transaction_id = '0'::xid8 where transaction_id <> '0'::xid8;

commit;
