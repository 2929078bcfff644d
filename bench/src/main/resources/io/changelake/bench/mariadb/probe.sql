-- One freshness probe row, made like the stream's INSERTs (stream.sql) and as postgres/probe.sql; the id
-- is the only parameter.
INSERT INTO orders
SELECT g, (g * 7919) % 100000, 1 + (g % 100), ((g * 37) % 1000000) / 100.0,
       'PROBE', RPAD(CONCAT('order ', g, ' '), 100, 'lorem ipsum dolor sit amet '), g % 3 = 0,
       DATE '2024-01-01' + INTERVAL (g % 365) DAY,
       TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (g % 100000000) SECOND,
       TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (g % 100000000) SECOND,
       TIMESTAMP '2024-01-02 00:00:00' + INTERVAL (g % 100000000) SECOND,
       CONCAT_WS('-', SUBSTR(MD5(g), 1, 8), SUBSTR(MD5(g), 9, 4), SUBSTR(MD5(g), 13, 4),
                 SUBSTR(MD5(g), 17, 4), SUBSTR(MD5(g), 21, 12)),
       (g % 1000) / 10.0, g * 0.001
FROM (SELECT CAST(? AS SIGNED) AS g) AS probe
