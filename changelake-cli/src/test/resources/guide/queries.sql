-- The SQL of the Flink CDC -> Paimon guide, verbatim, under the guide's section names ("-- ## " lines).
-- GuideQueriesTest runs each statement with `changelake query` on a warehouse that a real sync of
-- guide/ecommerce.sql wrote, and compares its rows with what PostgreSQL returns for the same SQL on the source
-- (lake-only statements, such as $snapshots, with what the format's own reader says).
-- The Java examples' queries are their string concatenations joined.
-- The guide's warehouse /tmp/paimon is the test's. The Enrich job's last query joins two Java Table variables
-- (patterns, products), not catalog tables: it runs with them as WITH clauses, marked below.

-- ## Querying Paimon Tables > Using Flink SQL Client
-- Create Paimon catalog
CREATE CATALOG paimon_catalog WITH (
  'type' = 'paimon',
  'warehouse' = '/tmp/paimon'
);

USE CATALOG paimon_catalog;

-- List databases
SHOW DATABASES;

-- Use lakehouse database
USE lakehouse;

-- List tables
SHOW TABLES;

-- Query products (synced from PostgreSQL)
SELECT product_id, product_name, category, price
FROM products
ORDER BY price DESC
LIMIT 10;

-- Join with inventory
SELECT
    p.product_name,
    p.category,
    p.price,
    i.quantity_available,
    i.quantity_reserved
FROM products p
JOIN inventory i ON p.product_id = i.product_id
WHERE i.quantity_available < 20
ORDER BY i.quantity_available ASC;

-- Time-travel query (if you made changes)
SELECT COUNT(*) as product_count
FROM products
FOR SYSTEM_TIME AS OF TIMESTAMP '2025-01-20 10:00:00';

-- ## Querying Paimon Tables > Using Table API in Flink Job
CREATE CATALOG paimon_catalog WITH (  'type' = 'paimon',  'warehouse' = '/tmp/paimon');
USE CATALOG paimon_catalog;
USE lakehouse;
SELECT product_id, product_name, category, price FROM products WHERE category = 'electronics';

-- ## Testing CDC End-to-End > 2. Verify Initial Snapshot
CREATE CATALOG paimon_catalog WITH ('type' = 'paimon', 'warehouse' = '/tmp/paimon');
USE CATALOG paimon_catalog;
SELECT COUNT(*) as product_count FROM lakehouse.products;

-- ## Testing CDC End-to-End > 3. Test INSERT
CREATE CATALOG paimon_catalog WITH ('type' = 'paimon', 'warehouse' = '/tmp/paimon');
USE CATALOG paimon_catalog;
SELECT product_id, product_name, price FROM lakehouse.products WHERE product_id = 'prod_test_001';

-- ## Testing CDC End-to-End > 4. Test UPDATE
CREATE CATALOG paimon_catalog WITH ('type' = 'paimon', 'warehouse' = '/tmp/paimon');
USE CATALOG paimon_catalog;
SELECT product_id, price FROM lakehouse.products WHERE product_id = 'prod_test_001';

-- ## Testing CDC End-to-End > 5. Test DELETE
CREATE CATALOG paimon_catalog WITH ('type' = 'paimon', 'warehouse' = '/tmp/paimon');
USE CATALOG paimon_catalog;
SELECT COUNT(*) FROM lakehouse.products WHERE product_id = 'prod_test_001';

-- ## Integration with Recommendation Jobs > Use Case: Enrich Recommendations with Product Details
CREATE CATALOG paimon_catalog WITH (  'type' = 'paimon',  'warehouse' = '/tmp/paimon');
USE CATALOG paimon_catalog;
SELECT antecedents, consequent, confidence, support FROM basket_analysis.basket_patterns WHERE confidence > 0.5;
SELECT product_id, product_name, category, price, image_url FROM lakehouse.products WHERE is_active = true;
-- (not verbatim) the job's join, its two Java Table variables, patterns and products, as WITH clauses:
WITH patterns AS (SELECT antecedents, consequent, confidence, support FROM basket_analysis.basket_patterns WHERE confidence > 0.5),
products AS (SELECT product_id, product_name, category, price, image_url FROM lakehouse.products WHERE is_active = true)
SELECT   p.consequent as product_id,   pd.product_name,   pd.category,   pd.price,   pd.image_url,   p.confidence,   p.support FROM patterns p JOIN products pd ON p.consequent = pd.product_id ORDER BY p.confidence DESC;

-- ## Integration with Recommendation Jobs > Use Case: Inventory-Aware Recommendations
-- Only recommend products that are in stock
SELECT
    bp.consequent as recommended_product,
    p.product_name,
    p.price,
    i.quantity_available,
    bp.confidence
FROM basket_analysis.basket_patterns bp
JOIN lakehouse.products p ON bp.consequent = p.product_id
JOIN lakehouse.inventory i ON p.product_id = i.product_id
WHERE
    bp.confidence > 0.6
    AND i.quantity_available > 0  -- In stock only
    AND p.is_active = true
ORDER BY bp.confidence DESC;

-- ## Monitoring & Management > Check Paimon Table Metadata
CREATE CATALOG paimon_catalog WITH ('type' = 'paimon', 'warehouse' = '/tmp/paimon');
USE CATALOG paimon_catalog;
SELECT * FROM lakehouse.products$snapshots;
SHOW CREATE TABLE lakehouse.products;

-- ## Advanced Topics > Schema Evolution Example
CREATE CATALOG paimon_catalog WITH ('type' = 'paimon', 'warehouse' = '/tmp/paimon');
USE CATALOG paimon_catalog;
DESCRIBE lakehouse.products;
