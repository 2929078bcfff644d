-- The e-commerce schema of the Flink CDC -> Paimon guide, with a little data.
CREATE TABLE products (
  product_id    integer PRIMARY KEY,
  product_name  varchar(200) NOT NULL,
  category      varchar(50)  NOT NULL,
  price         numeric(10,2) NOT NULL,
  description   text,
  created_at    timestamptz NOT NULL DEFAULT now()
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
  product_id   integer NOT NULL REFERENCES products,
  quantity     integer NOT NULL,
  total_amount numeric(12,2) NOT NULL,
  status       varchar(20) NOT NULL,
  ordered_at   timestamp NOT NULL
);
CREATE TABLE inventory (
  product_id         integer PRIMARY KEY REFERENCES products,
  warehouse          varchar(50) NOT NULL,
  quantity_on_hand   integer NOT NULL,
  quantity_reserved  integer NOT NULL,
  quantity_available integer NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now()
);

INSERT INTO products (product_id, product_name, category, price, description)
SELECT i,
       (ARRAY['Wireless Mouse','Mechanical Keyboard','USB-C Hub','27" Monitor','Laptop Stand','Webcam HD',
              'Noise-Cancelling Headphones','Desk Lamp','Ergonomic Chair','Standing Desk'])[1 + (i - 1) % 10]
         || CASE WHEN i > 10 THEN ' v' || (i / 10 + 1) ELSE '' END,
       (ARRAY['accessories','peripherals','displays','furniture'])[1 + i % 4],
       round((19.99 + (i * 37.5) % 480)::numeric, 2),
       'Product number ' || i
FROM generate_series(1, 20) AS i;

INSERT INTO customers (customer_id, email, first_name, last_name, total_orders, lifetime_value, signed_up)
SELECT i, 'customer' || i || '@example.com',
       (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Frances','Ken','Margaret','Linus'])[i],
       (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Allen','Thompson','Hamilton','Torvalds'])[i],
       0, 0, date '2026-01-01' + i * 7
FROM generate_series(1, 10) AS i;

INSERT INTO orders (order_id, customer_id, product_id, quantity, total_amount, status, ordered_at)
SELECT i, 1 + i % 10, 1 + i % 20, 1 + i % 3, (1 + i % 3) * 25.50,
       (ARRAY['pending','shipped','delivered'])[1 + i % 3], timestamp '2026-11-01 09:00:00' + i * interval '97 minutes'
FROM generate_series(1, 30) AS i;

UPDATE customers c SET total_orders = o.n, lifetime_value = o.total
FROM (SELECT customer_id, count(*) AS n, sum(total_amount) AS total FROM orders GROUP BY customer_id) o
WHERE c.customer_id = o.customer_id;

INSERT INTO inventory (product_id, warehouse, quantity_on_hand, quantity_reserved, quantity_available)
SELECT i, (ARRAY['berlin','lyon','porto'])[1 + i % 3], 50 + (i * 13) % 200, i % 7, 50 + (i * 13) % 200 - i % 7
FROM generate_series(1, 20) AS i;
