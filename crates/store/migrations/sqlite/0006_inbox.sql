-- The inbox: every reply, mention, quote and private message an account received, and the veille's mentions
-- marked "needs a reply"; each stored once (per account and remote id, per client and mention). Cursors per
-- account are written in the transaction that stores what they cover.
CREATE TABLE inbox_items (
    id INTEGER PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    account_id BIGINT REFERENCES accounts(id) ON DELETE CASCADE,
    mention_id BIGINT REFERENCES mentions(id) ON DELETE CASCADE,
    network TEXT NOT NULL,
    kind TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    cid TEXT,
    thread_key TEXT NOT NULL,
    url TEXT NOT NULL,
    author_remote_id TEXT NOT NULL,
    author_handle TEXT NOT NULL,
    author_name TEXT,
    author_followers BIGINT,
    author_url TEXT,
    body TEXT NOT NULL,
    context_text TEXT,
    in_reply_to TEXT,
    language TEXT,
    sentiment TEXT,
    sentiment_score REAL NOT NULL DEFAULT 0,
    intent TEXT,
    published_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    -- new, assigned, waiting, done
    state TEXT NOT NULL,
    assignee_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    urgent BOOLEAN NOT NULL DEFAULT FALSE,
    hidden BOOLEAN NOT NULL DEFAULT FALSE,
    liked BOOLEAN NOT NULL DEFAULT FALSE,
    -- JSON array of lower-case labels
    labels TEXT NOT NULL DEFAULT '[]',
    priority BIGINT NOT NULL,
    due_at BIGINT,
    first_response_at BIGINT,
    first_responder_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    resolved_at BIGINT,
    resolver_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (account_id, remote_id),
    UNIQUE (client_id, mention_id)
);
CREATE INDEX inbox_items_open ON inbox_items (client_id, state, priority, published_at);
CREATE INDEX inbox_items_thread ON inbox_items (client_id, thread_key);
CREATE INDEX inbox_items_author ON inbox_items (client_id, author_remote_id);

CREATE TABLE inbox_cursors (
    account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    cursor TEXT,
    synced_at BIGINT NOT NULL,
    last_error TEXT
);

CREATE TABLE inbox_notes (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES inbox_items(id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX inbox_notes_item ON inbox_notes (item_id);

-- Replies written from the inbox: recorded before the network is called (the key makes a retry safe).
CREATE TABLE inbox_replies (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES inbox_items(id) ON DELETE CASCADE,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    -- awaiting_approval, sending, sent, failed, rejected
    state TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    remote_id TEXT,
    url TEXT,
    last_error TEXT,
    decided_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX inbox_replies_item ON inbox_replies (item_id);

CREATE TABLE saved_replies (
    id INTEGER PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (client_id, name)
);

CREATE TABLE inbox_settings (
    client_id BIGINT PRIMARY KEY REFERENCES clients(id) ON DELETE CASCADE,
    rules TEXT NOT NULL DEFAULT '',
    hours TEXT NOT NULL DEFAULT '',
    target_minutes BIGINT,
    rota TEXT NOT NULL DEFAULT '',
    replies_need_approval BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT NOT NULL
);

-- What a Mastodon instance reported about its limits (JSON), read when the account is connected or checked.
ALTER TABLE accounts ADD COLUMN network_limits TEXT;
