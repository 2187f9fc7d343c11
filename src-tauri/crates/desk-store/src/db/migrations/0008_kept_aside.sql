-- Operations that arrived by sync but could not be applied (an unknown reference, a value of the
-- wrong shape, a kind from a newer version): they stay in `ops` like every other operation; this
-- records why their effect is kept aside and which app version decided it, so that they are tried
-- again when the app is updated or when what they name arrives.
CREATE TABLE sync_kept_aside (
    op_id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    app_version TEXT NOT NULL,
    kept_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sync_kept_aside_reason ON sync_kept_aside (reason);
