-- The typed variant (bench --variant typed): orders plus an enum and an int[] column, filled by a
-- trigger from the id on every INSERT (the load, the stream's inserts, the probes), so that the anchors'
-- SQL stays as it is. Updates leave them as they are.
CREATE TYPE order_mood AS ENUM ('calm', 'curious', 'eager', 'grumpy', 'delighted');
ALTER TABLE orders ADD COLUMN mood order_mood, ADD COLUMN tags int[];
CREATE FUNCTION orders_typed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.mood := (enum_range(NULL::order_mood))[1 + NEW.id % 5];
  NEW.tags := CASE WHEN NEW.id % 10 = 0 THEN '{}'::int[]
                   ELSE ARRAY[(NEW.id % 7)::int, NULL, (NEW.id % 1000)::int] END;
  RETURN NEW;
END $$;
CREATE TRIGGER orders_typed BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION orders_typed();
