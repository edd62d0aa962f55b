-- Authorisations on their way (OAuth): the browser went to the network with `state`; what the return needs is
-- sealed (PKCE verifier, DPoP key). Single use (used_at), for one user and one client, until expires_at.
CREATE TABLE oauth_pending (
    id INTEGER PRIMARY KEY,
    state_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    network TEXT NOT NULL,
    sealed BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX oauth_pending_expiry ON oauth_pending (expires_at);

-- Our OAuth application as registered on each Mastodon instance, per redirect address (the client secret sealed).
CREATE TABLE mastodon_apps (
    instance TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    client_id TEXT NOT NULL,
    sealed_secret BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (instance, redirect_uri)
);
