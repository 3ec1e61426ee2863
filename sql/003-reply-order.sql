-- Vendor replies are applied in the order they were signed, each once.
-- A reply signed before the one already applied (delivered late, or sent
-- again by someone who kept a copy) must not undo the newer answer; the
-- same signed reply in new headers (another hash of the raw message) is
-- not applied twice.
--
-- The signature time of the last reply applied per participant, at most
-- the time it was applied (a sender's clock ahead must not block later
-- replies).
ALTER TABLE participants ADD COLUMN last_reply_signed INTEGER;

-- Vendor replies applied: (signer, signature time, signed data).
CREATE TABLE seen_replies (
	signer        TEXT NOT NULL,
	sig_time      INTEGER NOT NULL,
	data_hash     TEXT NOT NULL,
	seen_at       INTEGER NOT NULL,
	PRIMARY KEY (signer, sig_time, data_hash)
);
