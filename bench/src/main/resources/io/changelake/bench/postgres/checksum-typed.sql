-- The typed variant's digest fields, appended to checksum.sql's: sum_mood_h (first 32 bits of md5 of the
-- label, unsigned, summed) | sum_tags (sum of the non-null elements) | cnt_tags (elements, nulls included).
SELECT coalesce(sum(('x' || substr(md5(mood::text), 1, 8))::bit(32)::bigint), 0) || '|' ||
       coalesce(sum((SELECT sum(t) FROM unnest(tags) AS t)), 0) || '|' || coalesce(sum(cardinality(tags)), 0)
FROM orders
