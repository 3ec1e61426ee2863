-- Received messages keep their bytes in a table of their own: updating a
-- message's state no longer rewrites (and, with secure_delete, zeroes) its
-- whole text, and the bytes are written and read in pieces (incremental
-- blob I/O), so a 30 MB message never has to sit in memory whole.
CREATE TABLE message_raw (
	message       INTEGER PRIMARY KEY REFERENCES messages(id),
	raw           BLOB NOT NULL
);
INSERT INTO message_raw (message, raw) SELECT id, raw FROM messages;
ALTER TABLE messages DROP COLUMN raw;
