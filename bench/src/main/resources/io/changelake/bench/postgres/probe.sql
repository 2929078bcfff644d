-- One freshness probe row, made like the stream's INSERTs (stream.sql); the id is the only parameter.
INSERT INTO orders
SELECT g, (g * 7919) % 100000, 1 + (g % 100), ((g * 37) % 1000000) / 100.0,
       'PROBE', rpad('order ' || g || ' ', 100, 'lorem ipsum dolor sit amet '), g % 3 = 0,
       date '2024-01-01' + (g % 365)::int,
       timestamp '2024-01-01 00:00:00' + (g % 100000000) * interval '1 second',
       timestamp '2024-01-01 00:00:00' + (g % 100000000) * interval '1 second',
       timestamp '2024-01-02 00:00:00' + (g % 100000000) * interval '1 second',
       md5(g::text)::uuid::text, ((g % 1000) / 10.0)::real, g * 0.001
FROM (SELECT ?::bigint AS g) AS probe
