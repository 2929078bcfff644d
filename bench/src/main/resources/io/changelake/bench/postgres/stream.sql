-- Copied from the anchors harness (shared/anchors/workload), unchanged below this line.
-- Deterministic change stream, used by stream.sh. Change i (1..n) is chosen by i % 10:
--   0,2,4,6,8 -> UPDATE (50%)   1,5,9 -> INSERT (30%)   3,7 -> DELETE (20%)
-- DELETEs remove the lowest live ids in order (lo, lo+1, ...); INSERTs add hi+1, hi+2, ...;
-- UPDATEs hit ids in [lo+ndel, hi] (never deleted by this run), spread by a multiplicative hash.
-- lo/hi are min/max(id) below 10^12 at start (ids >= 10^12 are reserved for freshness probes).
-- COMMIT after every 100 changes. Every statement changes exactly one row.
CREATE OR REPLACE PROCEDURE anchor_stream(n int)
LANGUAGE plpgsql AS $$
DECLARE
  lo bigint; hi bigint; ndel bigint; span bigint;
  nd bigint := 0; ni bigint := 0; nu bigint := 0;
  k int; tgt bigint;
BEGIN
  SELECT min(id), max(id) INTO lo, hi FROM orders WHERE id < 1000000000000;
  ndel := (n / 10) * 2 + (CASE WHEN n % 10 >= 7 THEN 2 WHEN n % 10 >= 3 THEN 1 ELSE 0 END);
  span := hi - (lo + ndel) + 1;
  IF span < 1 THEN RAISE EXCEPTION 'table too small for % changes', n; END IF;
  FOR i IN 1..n LOOP
    k := i % 10;
    IF k IN (0,2,4,6,8) THEN
      nu := nu + 1;
      tgt := lo + ndel + ((nu * 7919) % span);
      UPDATE orders SET quantity   = 1 + ((quantity + i) % 100),
                        price      = price + 1.25,
                        status     = 'UPDATED',
                        is_paid    = NOT is_paid,
                        updated_at = updated_at + interval '1 day' + (i % 1000) * interval '1 microsecond'
       WHERE id = tgt;
    ELSIF k IN (1,5,9) THEN
      ni := ni + 1;
      tgt := hi + ni;
      INSERT INTO orders VALUES (tgt, (tgt * 7919) % 100000, 1 + (tgt % 100), ((tgt * 37) % 1000000) / 100.0,
        'NEW', rpad('order ' || tgt || ' ', 100, 'lorem ipsum dolor sit amet '), tgt % 3 = 0,
        date '2024-01-01' + (tgt % 365)::int,
        timestamp '2024-01-01 00:00:00' + tgt * interval '1 second',
        timestamp '2024-01-01 00:00:00' + tgt * interval '1 second' + (tgt % 1000000) * interval '1 microsecond',
        timestamp '2024-01-02 00:00:00' + tgt * interval '1 second',
        md5(tgt::text)::uuid::text, ((tgt % 1000) / 10.0)::real, tgt * 0.001);
    ELSE
      tgt := lo + nd;
      nd := nd + 1;
      DELETE FROM orders WHERE id = tgt;
    END IF;
    IF i % 100 = 0 THEN COMMIT; END IF;
  END LOOP;
  COMMIT;
  RAISE NOTICE 'anchor_stream: updates=% inserts=% deletes=% max_inserted_id=%', nu, ni, nd, hi + ni;
END $$;
