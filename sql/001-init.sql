-- vulture store, version 1.
-- Times are integer seconds since the epoch, UTC; they are shown in the
-- configured time zone. Fingerprints are 40 upper-case hex digits.

CREATE TABLE vendors (
	id            INTEGER PRIMARY KEY,
	handle        TEXT NOT NULL UNIQUE
	              CHECK (length(handle) BETWEEN 1 AND 32),
	name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 256),
	registration  TEXT NOT NULL
	              CHECK (registration IN ('general', 'individual',
	                                      'early')),
	state         TEXT NOT NULL
	              CHECK (state IN ('pending', 'registered', 'suspended',
	                               'unregistered')),
	language      TEXT NOT NULL DEFAULT 'en'
	              CHECK (language IN ('en', 'ja')),
	created       INTEGER NOT NULL,
	updated       INTEGER NOT NULL
);

CREATE TABLE vendor_keywords (
	vendor_id     INTEGER NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
	keyword       TEXT NOT NULL,
	PRIMARY KEY (vendor_id, keyword)
);
CREATE INDEX vendor_keywords_keyword ON vendor_keywords(keyword);

CREATE TABLE contacts (
	id            INTEGER PRIMARY KEY,
	vendor_id     INTEGER NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
	name          TEXT,
	address       TEXT NOT NULL,
	phone         TEXT,
	fingerprint   TEXT UNIQUE
	              CHECK (fingerprint IS NULL OR
	                     (length(fingerprint) = 40 AND
	                      fingerprint NOT GLOB '*[^0-9A-F]*')),
	key_expires   INTEGER,
	UNIQUE (vendor_id, address)
);

CREATE TABLE coordinators (
	fingerprint   TEXT PRIMARY KEY
	              CHECK (length(fingerprint) = 40 AND
	                     fingerprint NOT GLOB '*[^0-9A-F]*'),
	name          TEXT,
	address       TEXT
);

-- Every identifier ever handed out, so that none is reused even if a case
-- row were ever removed by hand.
CREATE TABLE case_ids (
	id            TEXT PRIMARY KEY,
	allocated     INTEGER NOT NULL
);

CREATE TABLE cases (
	id            TEXT PRIMARY KEY REFERENCES case_ids(id),
	title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 512),
	summary       TEXT,
	detail        TEXT,
	reporter_ref  TEXT,
	single_vendor INTEGER NOT NULL DEFAULT 0,
	t0            INTEGER NOT NULL,
	publication   INTEGER NOT NULL,
	state         TEXT NOT NULL DEFAULT 'open'
	              CHECK (state IN ('open', 'published', 'closed')),
	published_at  INTEGER,
	created       INTEGER NOT NULL,
	updated       INTEGER NOT NULL
);

-- The public advisory's texts, written by the coordinators before
-- publication (case ID advisory FIELD).
CREATE TABLE advisory_texts (
	case_id       TEXT NOT NULL REFERENCES cases(id),
	field         TEXT NOT NULL
	              CHECK (field IN ('overview', 'affected', 'description',
	                               'impact', 'solution', 'addendum',
	                               'credits', 'references')),
	text          TEXT NOT NULL,
	PRIMARY KEY (case_id, field)
);

CREATE TABLE case_attachments (
	id            INTEGER PRIMARY KEY,
	case_id       TEXT NOT NULL REFERENCES cases(id),
	filename      TEXT NOT NULL,
	content_type  TEXT NOT NULL,
	data          BLOB NOT NULL,
	added         INTEGER NOT NULL
);

CREATE TABLE participants (
	case_id           TEXT NOT NULL REFERENCES cases(id),
	vendor_id         INTEGER NOT NULL REFERENCES vendors(id),
	stage             TEXT NOT NULL DEFAULT 'selected'
	                  CHECK (stage IN ('selected', 'registration-requested',
	                                   'summary-sent', 'detail-requested',
	                                   'detail-sent', 'not-affected')),
	status            TEXT NOT NULL DEFAULT 'unknown'
	                  CHECK (status IN ('unknown', 'affected',
	                                    'affected-investigating',
	                                    'not-affected',
	                                    'not-affected-investigating')),
	unreachable       INTEGER NOT NULL DEFAULT 0,
	comment           TEXT,
	advisory_url      TEXT,
	fix_plan          TEXT,
	fix_date          TEXT,
	workaround_plan   TEXT,
	workaround_date   TEXT,
	pubdate_request   INTEGER,
	pubdate_reason    TEXT,
	attempts          INTEGER NOT NULL DEFAULT 0,
	first_attempt     INTEGER,
	last_attempt      INTEGER,
	last_answer       INTEGER,
	added             INTEGER NOT NULL,
	PRIMARY KEY (case_id, vendor_id)
);

-- Related organisations (secondary sharing) asked for by a vendor.
CREATE TABLE related_orgs (
	id            INTEGER PRIMARY KEY,
	case_id       TEXT NOT NULL REFERENCES cases(id),
	requested_by  INTEGER NOT NULL REFERENCES vendors(id),
	organisation  TEXT NOT NULL,
	contact       TEXT,
	address       TEXT NOT NULL,
	phone         TEXT,
	state         TEXT NOT NULL DEFAULT 'pending'
	              CHECK (state IN ('pending', 'approved', 'registered',
	                               'refused')),
	fingerprint   TEXT,
	created       INTEGER NOT NULL
);

-- Append-only: the triggers below refuse UPDATE and DELETE.
CREATE TABLE events (
	id            INTEGER PRIMARY KEY,
	case_id       TEXT,
	at            INTEGER NOT NULL,
	actor         TEXT NOT NULL,
	kind          TEXT NOT NULL,
	detail        TEXT NOT NULL DEFAULT '',
	message_id    TEXT
);
CREATE INDEX events_case ON events(case_id, id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

-- Inbound messages exactly as received.
CREATE TABLE messages (
	id            INTEGER PRIMARY KEY,
	received      INTEGER NOT NULL,
	source        TEXT NOT NULL CHECK (source IN ('deliver', 'imap')),
	sha256        TEXT NOT NULL UNIQUE,
	message_id    TEXT,
	size          INTEGER NOT NULL,
	raw           BLOB NOT NULL,
	state         TEXT NOT NULL DEFAULT 'new'
	              CHECK (state IN ('new', 'processed', 'quarantined',
	                               'ignored')),
	kind          TEXT,		-- the decision: applied, unsigned, leak...
	reason        TEXT,
	case_id       TEXT,
	vendor        TEXT,
	signer        TEXT,
	processed_at  INTEGER
);
CREATE INDEX messages_state ON messages(state, id);

-- Outbound messages: ciphertext only, written in the transaction of the
-- change that caused them.
CREATE TABLE outbox (
	id            INTEGER PRIMARY KEY,
	created       INTEGER NOT NULL,
	case_id       TEXT,
	vendor_id     INTEGER REFERENCES vendors(id),
	kind          TEXT NOT NULL,
	recipient     TEXT NOT NULL,
	fingerprint   TEXT,
	message_id    TEXT NOT NULL UNIQUE,
	body          BLOB NOT NULL,
	state         TEXT NOT NULL DEFAULT 'queued'
	              CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
	attempts      INTEGER NOT NULL DEFAULT 0,
	next_attempt  INTEGER NOT NULL,
	last_error    TEXT,
	sent_at       INTEGER
);
CREATE INDEX outbox_due ON outbox(state, next_attempt);
CREATE INDEX outbox_case ON outbox(case_id);

CREATE TABLE imap_state (
	mailbox       TEXT PRIMARY KEY,
	uidvalidity   INTEGER NOT NULL,
	last_uid      INTEGER NOT NULL
);

-- Coordinator commands already run: (signer, signature time, signed data).
CREATE TABLE seen_commands (
	signer        TEXT NOT NULL,
	sig_time      INTEGER NOT NULL,
	data_hash     TEXT NOT NULL,
	seen_at       INTEGER NOT NULL,
	PRIMARY KEY (signer, sig_time, data_hash)
);
