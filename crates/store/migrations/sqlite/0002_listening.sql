-- Listening: sources of each client, the mentions archive (one row per mention, whatever the
-- number of clients and sources it came through), the links that tie mentions to clients (their
-- ids are the change sequence the search index tails), team marks, near-duplicate bands.
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    query TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_fetch BIGINT,
    last_status TEXT,
    last_error TEXT,
    next_fetch BIGINT NOT NULL,
    consecutive_failures BIGINT NOT NULL DEFAULT 0,
    mentions_total BIGINT NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT,
    cursor TEXT,
    UNIQUE (client_id, kind, url, query)
);
CREATE INDEX sources_due ON sources (next_fetch) WHERE status = 'active';

CREATE TABLE mentions (
    id INTEGER PRIMARY KEY,
    dedup_key TEXT NOT NULL UNIQUE,
    source_kind TEXT NOT NULL,
    url TEXT NOT NULL,
    site TEXT NOT NULL,
    author_handle TEXT NOT NULL,
    author_name TEXT,
    author_followers BIGINT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    html TEXT NOT NULL,
    lang TEXT,
    published BIGINT NOT NULL,
    fetched BIGINT NOT NULL,
    likes BIGINT,
    reposts BIGINT,
    replies BIGINT,
    fingerprint BIGINT,
    duplicate_of BIGINT
);

CREATE TABLE mention_links (
    id INTEGER PRIMARY KEY,
    mention_id BIGINT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    source_id BIGINT NOT NULL,
    linked_at BIGINT NOT NULL,
    UNIQUE (mention_id, client_id, source_id)
);
CREATE INDEX mention_links_client ON mention_links (client_id, mention_id);

CREATE TABLE mention_marks (
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    mention_id BIGINT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    is_read BOOLEAN NOT NULL DEFAULT FALSE,
    starred BOOLEAN NOT NULL DEFAULT FALSE,
    ignored BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (client_id, mention_id)
);

CREATE TABLE mention_bands (
    band BIGINT NOT NULL,
    mention_id BIGINT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE
);
CREATE INDEX mention_bands_band ON mention_bands (band);
