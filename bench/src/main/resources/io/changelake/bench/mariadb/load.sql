-- ROWS deterministic rows, the same values as postgres/load.sql (the anchors' load.sh): the digest after
-- the load equals PostgreSQL's. Rows come from the Sequence engine's seq_1_to_{ROWS}.
INSERT INTO orders
SELECT seq,
       (seq * 7919) % 100000,
       1 + (seq % 100),
       ((seq * 37) % 1000000) / 100.0,
       ELT(1 + (seq % 5), 'NEW', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'),
       RPAD(CONCAT('order ', seq, ' '), 100, 'lorem ipsum dolor sit amet '),
       seq % 3 = 0,
       DATE '2024-01-01' + INTERVAL (seq % 365) DAY,
       TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND,
       TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND,
       TIMESTAMP '2024-01-02 00:00:00' + INTERVAL seq SECOND,
       CONCAT_WS('-', SUBSTR(MD5(seq), 1, 8), SUBSTR(MD5(seq), 9, 4), SUBSTR(MD5(seq), 13, 4),
                 SUBSTR(MD5(seq), 17, 4), SUBSTR(MD5(seq), 21, 12)),
       (seq % 1000) / 10.0,
       seq * 0.001
FROM seq_1_to_{ROWS}
