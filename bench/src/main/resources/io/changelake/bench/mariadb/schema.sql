-- The anchors' orders table (shared/anchors/workload/schema.sql) in MariaDB's types: the same 14 columns,
-- each the type changelake reads as the PostgreSQL column's lake type (changelake-source-mysql/README.md):
-- numeric -> DECIMAL, text -> TEXT, boolean -> BIT(1) (TINYINT(1) would be an int), timestamp(6) ->
-- DATETIME(6) (no time zone), real -> FLOAT, double precision -> DOUBLE. Non-key columns are nullable.
DROP TABLE IF EXISTS orders;
CREATE TABLE orders (
  id           BIGINT PRIMARY KEY,
  customer_id  BIGINT,
  quantity     INT,
  price        DECIMAL(12,2),
  status       VARCHAR(64),
  note         TEXT,
  is_paid      BIT(1),
  order_date   DATE,
  created_at   DATETIME(6),
  updated_at   DATETIME(6),
  shipped_at   DATETIME(6),
  tracking     VARCHAR(36),
  weight       FLOAT,
  score        DOUBLE
) ENGINE = InnoDB
