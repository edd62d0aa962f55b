-- Publishing: one delivery per (post, account), claimed with a lease by the workers; the pace of each account
-- (the earliest time it may publish again); and a per-client switch that holds every due post.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    -- pending, claimed, published, failed, held
    state TEXT NOT NULL,
    -- The post's planned time; then when the next attempt may start.
    next_attempt BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_until BIGINT,
    claimed_by TEXT,
    -- An attempt may have reached the network: read back before publishing again.
    read_back BOOLEAN NOT NULL DEFAULT FALSE,
    idempotency_key TEXT NOT NULL UNIQUE,
    remote_id TEXT,
    url TEXT,
    last_error TEXT,
    published_at BIGINT,
    updated_at BIGINT NOT NULL,
    UNIQUE (post_id, account_id)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt) WHERE state IN ('pending', 'claimed');
CREATE INDEX deliveries_post ON deliveries (post_id);

CREATE TABLE account_pace (
    account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    not_before BIGINT NOT NULL
);

ALTER TABLE clients ADD COLUMN publishing_paused BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts ADD COLUMN status_reason TEXT;
