-- postgres/stream.sql (the anchors' stream.sql) as a MariaDB procedure: the same changes in the same
-- order, the same values. Change i (1..n) is chosen by i % 10:
--   0,2,4,6,8 -> UPDATE (50%)   1,5,9 -> INSERT (30%)   3,7 -> DELETE (20%)
-- DELETEs remove the lowest live ids in order; INSERTs add hi+1, hi+2, ...; UPDATEs hit ids in
-- [lo+ndel, hi], spread by a multiplicative hash. Ids >= 10^12 are freshness probes, never touched.
-- COMMIT after every 100 changes (a procedure in autocommit mode opens its transactions itself).
CREATE OR REPLACE PROCEDURE anchor_stream(n INT)
BEGIN
  DECLARE lo, hi, ndel, span, tgt BIGINT;
  DECLARE nd, ni, nu BIGINT DEFAULT 0;
  DECLARE i, k INT DEFAULT 1;
  SELECT MIN(id), MAX(id) INTO lo, hi FROM orders WHERE id < 1000000000000;
  SET ndel = (n DIV 10) * 2 + (CASE WHEN n % 10 >= 7 THEN 2 WHEN n % 10 >= 3 THEN 1 ELSE 0 END);
  SET span = hi - (lo + ndel) + 1;
  IF span < 1 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'table too small for the changes';
  END IF;
  START TRANSACTION;
  WHILE i <= n DO
    SET k = i % 10;
    IF k IN (0, 2, 4, 6, 8) THEN
      SET nu = nu + 1;
      SET tgt = lo + ndel + ((nu * 7919) % span);
      UPDATE orders SET quantity   = 1 + ((quantity + i) % 100),
                        price      = price + 1.25,
                        status     = 'UPDATED',
                        is_paid    = NOT is_paid,
                        updated_at = updated_at + INTERVAL 1 DAY + INTERVAL (i % 1000) MICROSECOND
       WHERE id = tgt;
    ELSEIF k IN (1, 5, 9) THEN
      SET ni = ni + 1;
      SET tgt = hi + ni;
      INSERT INTO orders VALUES (tgt, (tgt * 7919) % 100000, 1 + (tgt % 100), ((tgt * 37) % 1000000) / 100.0,
        'NEW', RPAD(CONCAT('order ', tgt, ' '), 100, 'lorem ipsum dolor sit amet '), tgt % 3 = 0,
        DATE '2024-01-01' + INTERVAL (tgt % 365) DAY,
        TIMESTAMP '2024-01-01 00:00:00' + INTERVAL tgt SECOND,
        TIMESTAMP '2024-01-01 00:00:00' + INTERVAL tgt SECOND + INTERVAL (tgt % 1000000) MICROSECOND,
        TIMESTAMP '2024-01-02 00:00:00' + INTERVAL tgt SECOND,
        CONCAT_WS('-', SUBSTR(MD5(tgt), 1, 8), SUBSTR(MD5(tgt), 9, 4), SUBSTR(MD5(tgt), 13, 4),
                  SUBSTR(MD5(tgt), 17, 4), SUBSTR(MD5(tgt), 21, 12)),
        (tgt % 1000) / 10.0, tgt * 0.001);
    ELSE
      SET tgt = lo + nd;
      SET nd = nd + 1;
      DELETE FROM orders WHERE id = tgt;
    END IF;
    IF i % 100 = 0 THEN
      COMMIT;
      START TRANSACTION;
    END IF;
    SET i = i + 1;
  END WHILE;
  COMMIT;
END
