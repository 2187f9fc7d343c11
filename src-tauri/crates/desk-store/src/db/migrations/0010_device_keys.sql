-- A segment's proof (its writer's device signature, as JSON) as it was published or applied, so
-- that a copy published again, by its writer or by another PC, carries the writer's proof; NULL
-- for segments written before the office set signing up.
ALTER TABLE sync_segments ADD COLUMN proof TEXT;
ALTER TABLE sync_published ADD COLUMN proof TEXT;

-- Device keys PCs announce in their cards on the share, for the office to enrol. Unsigned: the
-- coordinator compares the fingerprint with the one the PC's screen shows before enrolling.
CREATE TABLE device_key_requests (
    device_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    person TEXT,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (device_id, public_key)
) WITHOUT ROWID;

-- The old office key's endorsement of the new one, on the roster versions a rotation signed again
-- under the new key (JSON); NULL on every other version.
ALTER TABLE rosters ADD COLUMN endorsement TEXT;
