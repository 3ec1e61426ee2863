-- The trust boundary (vulture(7)): keys that arrive by mail are proposals
-- until a coordinator confirms their fingerprint, and an invited
-- organisation learns nothing before its key is confirmed or vouched for.

-- A key offered by mail: by a would-be vendor registering, by an
-- unregistered vendor's address, by a contact sending a new key, or by an
-- invited organisation. Never pinned by itself: `vendor key HANDLE confirm
-- FPR` (or `case ID share confirm N FPR`) does that.
CREATE TABLE key_proposals (
	id            INTEGER PRIMARY KEY,
	vendor_id     INTEGER REFERENCES vendors(id),
	related_id    INTEGER REFERENCES related_orgs(id),
	address       TEXT NOT NULL,
	fingerprint   TEXT NOT NULL
	              CHECK (length(fingerprint) = 40 AND
	                     fingerprint NOT GLOB '*[^0-9A-F]*'),
	state         TEXT NOT NULL DEFAULT 'proposed'
	              CHECK (state IN ('proposed', 'confirmed', 'refused')),
	message       INTEGER,		-- messages.id it came in
	key           BLOB,		-- the key as sent, imported only on
					-- confirmation (a key change by a
					-- vendor); NULL: already in the ring
	created       INTEGER NOT NULL,
	decided       INTEGER,
	decided_by    TEXT
);
CREATE INDEX key_proposals_vendor ON key_proposals(vendor_id, state);

-- An invited organisation's key: what arrived (proposed) and what the
-- inviting vendor vouched for in a signed reply (Share-Key:).
ALTER TABLE related_orgs ADD COLUMN proposed_fpr TEXT;
ALTER TABLE related_orgs ADD COLUMN vouched_fpr TEXT;

-- Every verified coordinator signature is remembered, whatever became of
-- its block (refused ones too): what it was, for `vulturectl` to show.
ALTER TABLE seen_commands ADD COLUMN outcome TEXT;
