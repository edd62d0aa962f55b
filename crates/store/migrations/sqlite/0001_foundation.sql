-- Foundation: users, clients, memberships, competitors, accounts, secrets, journal, sessions.
-- Times are milliseconds since the Unix epoch, UTC (BIGINT), on both engines.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    ui_lang TEXT,
    totp_secret BLOB,
    totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

CREATE TABLE clients (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    colour TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    languages TEXT NOT NULL,
    brief TEXT NOT NULL,
    charter TEXT NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, client_id)
);
CREATE INDEX memberships_client ON memberships (client_id);

CREATE TABLE secrets (
    id INTEGER PRIMARY KEY,
    purpose TEXT NOT NULL,
    sealed BLOB NOT NULL,
    hint TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE competitors (
    id INTEGER PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    handles TEXT NOT NULL,
    sites TEXT NOT NULL,
    position BIGINT NOT NULL
);
CREATE INDEX competitors_client ON competitors (client_id, position);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    network TEXT NOT NULL,
    handle TEXT NOT NULL,
    display_name TEXT NOT NULL,
    status TEXT NOT NULL,
    secret_id BIGINT REFERENCES secrets(id),
    created_at BIGINT NOT NULL,
    UNIQUE (client_id, network, handle)
);

CREATE TABLE journal (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    client_id BIGINT REFERENCES clients(id),
    account_id BIGINT,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX journal_client_at ON journal (client_id, at);
CREATE INDEX journal_at ON journal (at);
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    second_factor_pending BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);
