-- ROWS deterministic rows; the anchors' load.sh, verbatim but for the row count ({ROWS}).
INSERT INTO orders
SELECT g,
       (g * 7919) % 100000,
       1 + (g % 100),
       ((g * 37) % 1000000) / 100.0,
       (ARRAY['NEW','PAID','SHIPPED','DELIVERED','CANCELLED'])[1 + (g % 5)],
       rpad('order ' || g || ' ', 100, 'lorem ipsum dolor sit amet '),
       g % 3 = 0,
       date '2024-01-01' + (g % 365)::int,
       timestamp '2024-01-01 00:00:00' + g * interval '1 second',
       timestamp '2024-01-01 00:00:00' + g * interval '1 second' + (g % 1000000) * interval '1 microsecond',
       timestamp '2024-01-02 00:00:00' + g * interval '1 second',
       md5(g::text)::uuid::text,
       ((g % 1000) / 10.0)::real,
       g * 0.001
FROM generate_series(1::bigint, {ROWS}::bigint) AS g
