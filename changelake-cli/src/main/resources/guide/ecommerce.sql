-- The e-commerce database the Flink CDC -> Paimon guide assumes (its postgres-init.sql): the four tables its
-- commands sync, with every column its queries and statements name (products: subcategory, brand, cost,
-- image_url, is_active; product ids such as 'prod_test_001'), and 44 products ("Expected: ~44 products").
-- `changelake demo` and the tests that run the guide load this file.
CREATE TABLE products (
  product_id    varchar(50)   PRIMARY KEY,
  product_name  varchar(200)  NOT NULL,
  category      varchar(50)   NOT NULL,
  subcategory   varchar(50),
  brand         varchar(100),
  price         numeric(10,2) NOT NULL,
  cost          numeric(10,2),
  description   text,
  image_url     varchar(500),
  is_active     boolean       NOT NULL DEFAULT true,
  created_at    timestamptz   NOT NULL DEFAULT now()
);
CREATE TABLE customers (
  customer_id    integer PRIMARY KEY,
  email          varchar(200) NOT NULL UNIQUE,
  first_name     varchar(100) NOT NULL,
  last_name      varchar(100) NOT NULL,
  total_orders   integer NOT NULL DEFAULT 0,
  lifetime_value numeric(12,2) NOT NULL DEFAULT 0,
  signed_up      date NOT NULL
);
CREATE TABLE orders (
  order_id     bigint PRIMARY KEY,
  customer_id  integer NOT NULL REFERENCES customers,
  product_id   varchar(50) NOT NULL REFERENCES products,
  quantity     integer NOT NULL,
  total_amount numeric(12,2) NOT NULL,
  status       varchar(20) NOT NULL,
  ordered_at   timestamp NOT NULL
);
CREATE TABLE inventory (
  product_id         varchar(50) PRIMARY KEY REFERENCES products,
  warehouse          varchar(50) NOT NULL,
  quantity_on_hand   integer NOT NULL,
  quantity_reserved  integer NOT NULL,
  quantity_available integer NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- 44 products, prices all different (so ORDER BY price is one order), every ninth one inactive.
INSERT INTO products (product_id, product_name, category, subcategory, brand, price, cost, description, image_url,
                      is_active)
SELECT 'prod_' || lpad(i::text, 3, '0'),
       (ARRAY['Wireless Mouse','Mechanical Keyboard','USB-C Hub','27" Monitor','Laptop Stand','Webcam HD',
              'Noise-Cancelling Headphones','Desk Lamp','Ergonomic Chair','Standing Desk','Running Shoes'])[1 + (i - 1) % 11]
         || CASE WHEN i > 11 THEN ' v' || ((i - 1) / 11 + 1) ELSE '' END,
       (ARRAY['electronics','clothing','home','sports'])[1 + i % 4],
       (ARRAY['accessories','peripherals','displays','furniture','footwear'])[1 + i % 5],
       (ARRAY['Logi','Keychron','Anker','Dell','Ikea','Nike'])[1 + i % 6],
       round((9.99 + (i * 37.31) % 480)::numeric, 2),
       round((9.99 + (i * 37.31) % 480)::numeric * 0.6, 2),
       'Product number ' || i,
       'https://cdn.example.com/products/prod_' || lpad(i::text, 3, '0') || '.jpg',
       i % 9 <> 0
FROM generate_series(1, 44) AS i;

INSERT INTO customers (customer_id, email, first_name, last_name, total_orders, lifetime_value, signed_up)
SELECT i, 'customer' || i || '@example.com',
       (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Frances','Ken','Margaret','Linus'])[i],
       (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Allen','Thompson','Hamilton','Torvalds'])[i],
       0, 0, date '2026-01-01' + i * 7
FROM generate_series(1, 10) AS i;

INSERT INTO orders (order_id, customer_id, product_id, quantity, total_amount, status, ordered_at)
SELECT i, 1 + i % 10, 'prod_' || lpad((1 + i % 44)::text, 3, '0'), 1 + i % 3, (1 + i % 3) * 25.50,
       (ARRAY['pending','shipped','delivered'])[1 + i % 3], timestamp '2026-11-01 09:00:00' + i * interval '97 minutes'
FROM generate_series(1, 30) AS i;

UPDATE customers c SET total_orders = o.n, lifetime_value = o.total
FROM (SELECT customer_id, count(*) AS n, sum(total_amount) AS total FROM orders GROUP BY customer_id) o
WHERE c.customer_id = o.customer_id;

-- quantity_available runs through 0..43 once (a few out of stock, a few low: the guide's "< 20" and "> 0").
INSERT INTO inventory (product_id, warehouse, quantity_on_hand, quantity_reserved, quantity_available)
SELECT 'prod_' || lpad(i::text, 3, '0'), (ARRAY['berlin','lyon','porto'])[1 + i % 3],
       (i * 7) % 44 + i % 5, i % 5, (i * 7) % 44
FROM generate_series(1, 44) AS i;
