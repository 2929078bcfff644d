-- Copied from the anchors harness (shared/anchors/workload), unchanged below this line.
-- Shared anchor workload: an e-commerce orders table (bigint PK + 13 mixed columns).
-- Non-key columns are nullable on purpose: with the default REPLICA IDENTITY (primary key) a
-- pgoutput DELETE carries only the key, and CDC sinks see NULLs in the other columns.
SET client_min_messages = warning;
DROP TABLE IF EXISTS orders;
CREATE TABLE orders (
  id           bigint PRIMARY KEY,
  customer_id  bigint,
  quantity     integer,
  price        numeric(12,2),
  status       varchar(64),
  note         text,              -- ~100 bytes
  is_paid      boolean,
  order_date   date,
  created_at   timestamp,         -- timestamp(6) without time zone
  updated_at   timestamp,
  shipped_at   timestamp,         -- not timestamptz: Paimon 1.3.1 postgres_sync_table fails on it (see README)
  tracking     varchar(36),       -- uuid text; Paimon 1.2 postgres_sync_table rejects the uuid type
  weight       real,
  score        double precision
);
