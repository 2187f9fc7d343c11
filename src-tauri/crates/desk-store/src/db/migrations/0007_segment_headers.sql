-- The cut and version vector of every segment this PC applied from another PC: enough to publish
-- the very same segment again when its copy in the shared folder is damaged and its writer does
-- not come back to repair it (a relay). The operations themselves are in `ops`.
CREATE TABLE sync_segments (
    device_id TEXT NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    version_vector TEXT NOT NULL,
    PRIMARY KEY (device_id, first_seq)
) WITHOUT ROWID;
