-- What the guide's recommendation queries read besides the synced tables: basket_analysis.basket_patterns, the
-- output of its pattern-mining job (antecedents -> consequent, with confidence and support). Here it is a
-- PostgreSQL table in schema basket_analysis that a sync mirrors to lake database basket_analysis.
CREATE SCHEMA basket_analysis;
CREATE TABLE basket_analysis.basket_patterns (
  pattern_id  integer PRIMARY KEY,
  antecedents text[] NOT NULL,
  consequent  varchar(50) NOT NULL,
  confidence  double precision NOT NULL,
  support     double precision NOT NULL
);
-- 30 patterns, confidences all different (so ORDER BY confidence is one order).
INSERT INTO basket_analysis.basket_patterns
SELECT i,
       ARRAY['prod_' || lpad((1 + (i * 3) % 44)::text, 3, '0'), 'prod_' || lpad((1 + (i * 11) % 44)::text, 3, '0')],
       'prod_' || lpad((1 + (i * 5) % 44)::text, 3, '0'),
       0.25 + i * 0.023,
       0.01 + i * 0.002
FROM generate_series(1, 30) AS i;
