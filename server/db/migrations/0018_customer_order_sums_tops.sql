-- The main channel and category of each kept customer_order_sums row (the top key of `channels` and `sums`: most
-- orders / largest amount, ties first by name), written with the sums. The refresh after an import then merges only
-- the new orders' keys into the JSON objects and compares them with the kept top, instead of unpacking every key of
-- every touched customer to find the top again (server/db/summaryRefresh.ts).
ALTER TABLE customer_order_sums ADD COLUMN main_channel text, ADD COLUMN main_category text;
UPDATE customer_order_sums SET
  main_channel = (SELECT e.key FROM jsonb_each_text(channels) e ORDER BY e.value::numeric DESC, e.key LIMIT 1),
  main_category = (SELECT e.key FROM jsonb_each_text(sums) e ORDER BY e.value::numeric DESC, e.key LIMIT 1);
