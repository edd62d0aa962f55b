-- The fil rouge: posts (content as JSON, one row per target account with its variant), campaigns, posting
-- slots, comments and decisions of reviewers, signed review links, and the media library.
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (client_id, name)
);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    planned_at BIGINT,
    campaign_id BIGINT REFERENCES campaigns(id) ON DELETE SET NULL,
    -- PostContent without its targets (text, first comment, content warning, media, labels, notes, material).
    content TEXT NOT NULL,
    review_comment TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    -- When the last reminder to review it was queued (so it is queued once per planned time).
    reminded_for BIGINT
);
CREATE INDEX posts_client_planned ON posts (client_id, planned_at);
CREATE INDEX posts_state_planned ON posts (state, planned_at);

CREATE TABLE post_targets (
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    text_variant TEXT,
    media_variant TEXT,
    PRIMARY KEY (post_id, account_id)
);
CREATE INDEX post_targets_account ON post_targets (account_id);

CREATE TABLE post_comments (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    -- 'comment', 'approve' or 'reject'.
    kind TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- Who wrote it when not a user (the name given on a signed link page).
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX post_comments_post ON post_comments (post_id, id);

CREATE TABLE posting_slots (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- ISO weekday (Monday = 1) and minutes after local midnight in the client's time zone.
    weekday BIGINT NOT NULL,
    minute BIGINT NOT NULL,
    UNIQUE (account_id, weekday, minute)
);

CREATE TABLE review_links (
    id INTEGER PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    -- SHA-256 of the token in the link; the token itself is shown once.
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    facts TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (client_id, sha256)
);
