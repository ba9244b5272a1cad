-- The content ledger is sharded (docs/programs.md, "The content ledger"): each profile holds the chain of what is
-- written on its behalf, the registry ledger the chain of the configuration and the node registry. An entry is
-- known by its chain (`ledger`, the account holding it) and its place there (`seq`); `position` is its place in
-- this index, in the order the indexer read it. Entries of the unsharded program belong to no such chain, so the
-- index starts over from the program's first transaction.
DROP TABLE ledger_entries;
CREATE TABLE ledger_entries (
    position BIGINT PRIMARY KEY,
    ledger TEXT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    actor TEXT NOT NULL,
    data_hash TEXT NOT NULL,
    slot BIGINT NOT NULL,
    timestamp BIGINT NOT NULL,
    head TEXT NOT NULL,
    signature TEXT NOT NULL,
    UNIQUE (ledger, seq)
);

-- The last indexed entry of each chain: what the next entry of that chain must continue.
CREATE TABLE ledger_heads (
    ledger TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    head TEXT NOT NULL
);

DELETE FROM tracks;
DELETE FROM profiles;
DELETE FROM content_nodes;

-- The cursor: the position of the last entry written and the last transaction read.
ALTER TABLE cursor RENAME COLUMN seq TO position;
ALTER TABLE cursor DROP COLUMN head;
UPDATE cursor SET position = 0, slot = 0, signature = NULL WHERE id = 0;
