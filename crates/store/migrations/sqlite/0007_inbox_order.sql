-- The inbox list walks these in order and stops after a page: open items by priority then age, closed items by
-- when they were closed (measured: 100,000 items across 10 clients, bench/inbox).
CREATE INDEX inbox_items_open_order ON inbox_items (priority, published_at, id) WHERE state <> 'done' AND hidden = FALSE;
CREATE INDEX inbox_items_done_order ON inbox_items (resolved_at, id) WHERE state = 'done';
-- The navigation's counts of new items per client, read from the index alone.
CREATE INDEX inbox_items_new_count ON inbox_items (client_id) WHERE state = 'new' AND hidden = FALSE;
