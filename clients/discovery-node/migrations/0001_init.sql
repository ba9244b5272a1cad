-- The indexer's cursor: the last ledger entry written, its chain head, and where it was read.
CREATE TABLE cursor (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    seq BIGINT NOT NULL,
    head TEXT NOT NULL,
    slot BIGINT NOT NULL,
    signature TEXT
);
INSERT INTO cursor (id, seq, head, slot, signature)
VALUES (0, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, NULL);

-- Every ledger entry, with the transaction that carried it.
CREATE TABLE ledger_entries (
    seq BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    actor TEXT NOT NULL,
    data_hash TEXT NOT NULL,
    slot BIGINT NOT NULL,
    timestamp BIGINT NOT NULL,
    head TEXT NOT NULL,
    signature TEXT NOT NULL
);

CREATE TABLE profiles (
    address TEXT PRIMARY KEY,
    eth_address TEXT NOT NULL UNIQUE,
    authority TEXT NOT NULL,
    metadata_cid TEXT,
    track_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    name TEXT,
    handle TEXT,
    metadata_state TEXT NOT NULL DEFAULT 'pending'
);
CREATE UNIQUE INDEX profiles_handle ON profiles (handle);

CREATE TABLE tracks (
    address TEXT PRIMARY KEY,
    profile TEXT NOT NULL,
    eth_address TEXT NOT NULL,
    track_id BIGINT NOT NULL,
    content_cid TEXT NOT NULL,
    metadata_cid TEXT,
    replica_0 BIGINT NOT NULL,
    replica_1 BIGINT NOT NULL,
    replica_2 BIGINT NOT NULL,
    -- 0 or 1: sqlx's Any driver maps no boolean type on SQLite.
    deleted BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    indexed_seq BIGINT NOT NULL,
    title TEXT,
    genre TEXT,
    metadata_state TEXT NOT NULL DEFAULT 'pending'
);
CREATE INDEX tracks_content_cid ON tracks (content_cid);
CREATE INDEX tracks_artist ON tracks (eth_address, track_id);
CREATE INDEX tracks_latest ON tracks (indexed_seq);
CREATE INDEX tracks_title ON tracks (lower(title)) WHERE title IS NOT NULL;
-- Only the rows the metadata job still has to read: the index stays small and costs written rows nothing after.
CREATE INDEX tracks_metadata_pending ON tracks (address) WHERE metadata_state = 'pending' AND metadata_cid IS NOT NULL;

CREATE TABLE content_nodes (
    sp_id BIGINT PRIMARY KEY,
    address TEXT NOT NULL UNIQUE,
    endpoint TEXT NOT NULL,
    owner_wallet TEXT NOT NULL,
    delegate_wallet TEXT NOT NULL,
    admitted_at BIGINT NOT NULL
);
