-- The stake tier attested from Ethereum (0 none … 4 platinum) and when it lapses.
ALTER TABLE profiles ADD COLUMN tier BIGINT NOT NULL DEFAULT 0;
ALTER TABLE profiles ADD COLUMN tier_expires_at BIGINT NOT NULL DEFAULT 0;
