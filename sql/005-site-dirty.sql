-- The public site is written after the transaction that changed what it
-- shows has committed (a failed write never decides whether a reply is
-- recorded, and the site never shows what was rolled back). A change
-- marks it here, durably, in its own transaction; whoever writes the site
-- clears the marks it has seen, so a mark made meanwhile is written next.
CREATE TABLE site_dirty (
	id            INTEGER PRIMARY KEY,	-- grows: a generation
	marked        INTEGER NOT NULL,
	case_id       TEXT
);
