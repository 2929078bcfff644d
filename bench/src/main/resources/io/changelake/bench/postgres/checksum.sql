-- Order-independent digest of orders. The first 11 fields are the anchors' checksum.sql, verbatim
-- (so digests compare with shared/anchors/RESULTS.md); the last 5 cover the columns it leaves out,
-- so that every one of the 14 columns is checked. Digest.java computes the same fields from lake rows.
-- cnt|sum_id|sum_customer|sum_qty|sum_price_cents|sum_id_qty|cnt_paid|sum_days|sum_note_h|sum_uuid_h|max_updated_us
--   |sum_status_h|sum_created_us|sum_shipped_us|sum_weight_d|sum_score_m
-- _h: first 32 bits of md5(text), unsigned, summed. _us: microseconds since 1970 (timestamps read as UTC).
-- sum_weight_d: weight * 10 rounded; sum_score_m: score * 1000 rounded (both are multiples of that step).
SELECT count(*) || '|' || coalesce(sum(id), 0) || '|' || coalesce(sum(customer_id), 0) || '|' ||
       coalesce(sum(quantity), 0) || '|' || coalesce(sum((price * 100)::bigint), 0) || '|' ||
       coalesce(sum(id * quantity), 0) || '|' || count(*) FILTER (WHERE is_paid) || '|' ||
       coalesce(sum(order_date - date '1970-01-01'), 0) || '|' ||
       coalesce(sum(('x' || substr(md5(note), 1, 8))::bit(32)::bigint), 0) || '|' ||
       coalesce(sum(('x' || substr(replace(tracking::text, '-', ''), 1, 8))::bit(32)::bigint), 0) || '|' ||
       coalesce((extract(epoch FROM max(updated_at)) * 1000000)::bigint::text, '') || '|' ||
       coalesce(sum(('x' || substr(md5(status), 1, 8))::bit(32)::bigint), 0) || '|' ||
       coalesce(sum((extract(epoch FROM created_at) * 1000000)::bigint), 0) || '|' ||
       coalesce(sum((extract(epoch FROM shipped_at) * 1000000)::bigint), 0) || '|' ||
       coalesce(sum(round(weight::numeric * 10)::bigint), 0) || '|' ||
       coalesce(sum(round(score::numeric * 1000)::bigint), 0)
FROM orders
