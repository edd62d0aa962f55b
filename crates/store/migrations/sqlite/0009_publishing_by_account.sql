-- The engine claims per account (the first due delivery of each account whose pace allows it): an index in that
-- order, and a pace row for every account that has deliveries (the claim starts from the pace rows).
CREATE INDEX deliveries_account_due ON deliveries (account_id, next_attempt, id) WHERE state IN ('pending', 'claimed');
INSERT INTO account_pace (account_id, not_before)
SELECT DISTINCT d.account_id, 0 FROM deliveries d
WHERE NOT EXISTS (SELECT 1 FROM account_pace p WHERE p.account_id = d.account_id);
