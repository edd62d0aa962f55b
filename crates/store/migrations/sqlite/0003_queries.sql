-- Veille II: the analysis of each mention, the "needs a reply" mark, listening queries with their
-- matches (hits), alert deliveries (an outbox the mailer drains) and who read which notifications.
ALTER TABLE mentions ADD COLUMN sentiment TEXT;
ALTER TABLE mentions ADD COLUMN sentiment_score REAL;
ALTER TABLE mentions ADD COLUMN intent TEXT;
ALTER TABLE mention_marks ADD COLUMN needs_reply BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE listening_queries (
    id INTEGER PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    alert TEXT NOT NULL,
    recipients TEXT NOT NULL,
    feed_token_hash TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    next_digest_at BIGINT,
    -- Digests cover matches up to this time (ms); the next one starts there.
    digest_until BIGINT,
    UNIQUE (client_id, name)
);

-- One row, bumped by every change of any query: processes rebuild their matcher when it moves.
CREATE TABLE query_book (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO query_book (id, version) VALUES (1, 0);

CREATE TABLE query_hits (
    id INTEGER PRIMARY KEY,
    query_id BIGINT NOT NULL REFERENCES listening_queries(id) ON DELETE CASCADE,
    mention_id BIGINT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    matched_at BIGINT NOT NULL,
    published BIGINT NOT NULL,
    live BOOLEAN NOT NULL,
    UNIQUE (query_id, mention_id)
);
CREATE INDEX query_hits_query ON query_hits (query_id, id);
CREATE INDEX query_hits_client ON query_hits (client_id, id);

CREATE TABLE alert_deliveries (
    id INTEGER PRIMARY KEY,
    query_id BIGINT NOT NULL REFERENCES listening_queries(id) ON DELETE CASCADE,
    -- 'instant' (one hit) or 'digest' (the query's hits matched in [from_ms, to_ms)).
    kind TEXT NOT NULL,
    hit_id BIGINT,
    from_ms BIGINT,
    to_ms BIGINT,
    created_at BIGINT NOT NULL,
    next_attempt BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX alert_deliveries_pending ON alert_deliveries (next_attempt) WHERE sent_at IS NULL;

CREATE TABLE notification_reads (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    last_seen_hit BIGINT NOT NULL
);
