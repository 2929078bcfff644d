-- postgres/checksum.sql in MariaDB's SQL: the same 16 fields, the same text (Digest.java computes it from
-- lake rows). Each hash or product is made an integer per row (CAST ... AS SIGNED/UNSIGNED) so that SUM
-- stays exact (a SUM of strings would be a DOUBLE); timestamps are DATETIME, read as UTC.
SELECT CONCAT_WS('|',
       COUNT(*), COALESCE(SUM(id), 0), COALESCE(SUM(customer_id), 0), COALESCE(SUM(quantity), 0),
       COALESCE(SUM(CAST(price * 100 AS SIGNED)), 0), COALESCE(SUM(id * quantity), 0),
       COUNT(CASE WHEN is_paid = 1 THEN 1 END),
       COALESCE(SUM(DATEDIFF(order_date, DATE '1970-01-01')), 0),
       COALESCE(SUM(CAST(CONV(LEFT(MD5(note), 8), 16, 10) AS UNSIGNED)), 0),
       COALESCE(SUM(CAST(CONV(LEFT(REPLACE(tracking, '-', ''), 8), 16, 10) AS UNSIGNED)), 0),
       COALESCE(TIMESTAMPDIFF(MICROSECOND, TIMESTAMP '1970-01-01 00:00:00', MAX(updated_at)), ''),
       COALESCE(SUM(CAST(CONV(LEFT(MD5(status), 8), 16, 10) AS UNSIGNED)), 0),
       COALESCE(SUM(TIMESTAMPDIFF(MICROSECOND, TIMESTAMP '1970-01-01 00:00:00', created_at)), 0),
       COALESCE(SUM(TIMESTAMPDIFF(MICROSECOND, TIMESTAMP '1970-01-01 00:00:00', shipped_at)), 0),
       COALESCE(SUM(CAST(ROUND(weight * 10) AS SIGNED)), 0),
       COALESCE(SUM(CAST(ROUND(score * 1000) AS SIGNED)), 0))
FROM orders
