-- Sync through a shared folder (see docs/sync-format.md and desk-store/src/sync_apply.rs).

-- What each operation overwrote (JSON array of op ids) and, for a delete, the deleter's version
-- vector (JSON object device -> seq).
ALTER TABLE ops ADD COLUMN base TEXT NOT NULL DEFAULT '[]';
ALTER TABLE ops ADD COLUMN covers TEXT;

-- The current operations of every register (element '') and set element that was edited after
-- its entity's creation. A field never edited has no rows: the create op is its implicit head.
CREATE TABLE sync_heads (
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field TEXT NOT NULL,
    element TEXT NOT NULL,
    op_id TEXT NOT NULL,
    clock TEXT NOT NULL,
    device_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id, field, element, op_id)
) WITHOUT ROWID;

-- How far this PC has applied every other device's operations (dense sequences).
CREATE TABLE sync_cursors (
    device_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
) WITHOUT ROWID;

-- Deleted items: the delete's version vector and the item as it was, so an edit the delete did
-- not know of can bring it back whole.
CREATE TABLE sync_tombstones (
    item_id TEXT NOT NULL,
    op_id TEXT NOT NULL,
    covers TEXT NOT NULL,
    PRIMARY KEY (item_id, op_id)
) WITHOUT ROWID;
CREATE TABLE sync_deleted_items (
    item_id TEXT PRIMARY KEY,
    item TEXT NOT NULL,
    checklist TEXT,
    checks TEXT NOT NULL
) WITHOUT ROWID;

-- The segments this PC published under its current id, to publish the same again into a folder
-- that was emptied.
CREATE TABLE sync_published (
    first_seq INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL,
    version_vector TEXT NOT NULL
);

-- Fill the heads (and the bases of the operations recorded before sync) by replaying the log:
-- `Catalog::open` does it when this is set.
INSERT INTO meta (key, value) VALUES ('rebuild:heads', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
