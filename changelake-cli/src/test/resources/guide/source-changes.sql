-- The statements the Flink CDC -> Paimon guide runs in PostgreSQL (psql -d ecommerce) between its queries,
-- verbatim, under the guide's section names; GuideQueriesTest runs them at the same points.

-- ## Testing CDC End-to-End > 3. Test INSERT
INSERT INTO products (product_id, product_name, category, subcategory, brand, price, cost)
VALUES ('prod_test_001', 'Test Product', 'electronics', 'test', 'TestBrand', 99.99, 50.00);

-- ## Testing CDC End-to-End > 4. Test UPDATE
UPDATE products SET price = 79.99 WHERE product_id = 'prod_test_001';

-- ## Testing CDC End-to-End > 5. Test DELETE
DELETE FROM products WHERE product_id = 'prod_test_001';

-- ## Advanced Topics > Schema Evolution Example
ALTER TABLE products ADD COLUMN sku VARCHAR(50);
UPDATE products SET sku = 'SKU-' || product_id WHERE sku IS NULL;
