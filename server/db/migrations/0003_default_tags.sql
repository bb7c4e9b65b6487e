-- Default rule-based tags. A rule is a segment filter object (tools/lib/segments/filter.ts), evaluated as of
-- "today" by recomputeTags() (tools/lib/tags.ts) after each import. Users may edit or delete them; an existing tag
-- with the same name is left alone.
INSERT INTO tags (name, description, kind, rule) VALUES
  ('high value', 'Top 10% of customers by revenue', 'rule',
   '{"percentile": {"metric": "revenue", "min": 0.9}}'),
  ('loyal', 'RFM tier Champions or Loyal', 'rule',
   '{"rfmTier": ["Champions", "Loyal"]}'),
  ('lapsed', 'No order for 180 days or more', 'rule',
   '{"recencyDays": {"min": 180}}'),
  ('new', 'First order in the last 30 days', 'rule',
   '{"firstOrderWithinDays": 30}'),
  ('overdue', 'Repeat customer whose time since the last order is at least twice their usual gap between orders', 'rule',
   '{"churnRisk": {"minInactivityRatio": 2}}')
ON CONFLICT (name) DO NOTHING;
