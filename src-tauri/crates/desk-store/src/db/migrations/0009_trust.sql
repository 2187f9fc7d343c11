-- The office-signed roster's versions as they arrived, and personal public keys waiting for the
-- office to enrol them. A roster is trusted only when its signature checks against the office key
-- this PC pinned, each time it is used: a row here proves nothing by itself.
CREATE TABLE rosters (
    op_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    office_fingerprint TEXT NOT NULL,
    body TEXT NOT NULL,
    signature TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX rosters_version ON rosters (version);

CREATE TABLE key_requests (
    op_id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    device_id TEXT NOT NULL,
    requested_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX key_requests_person ON key_requests (person_id, requested_at);

-- A sign-off's SM2 signature (JSON: roster version, public key, signature); NULL on sign-offs
-- made before signing was set up, which count as unsigned.
ALTER TABLE signoffs ADD COLUMN signature TEXT;
