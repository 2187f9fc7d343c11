-- Bundles exported for the web team and the items each carried. Rebuilt from the operation
-- log's `bundle` create operations like every other entity, so the mark syncs.
CREATE TABLE bundles (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    scope TEXT NOT NULL,
    file_name TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL
);

CREATE TABLE bundle_items (
    bundle_id TEXT NOT NULL REFERENCES bundles (id),
    item_id TEXT NOT NULL,
    PRIMARY KEY (bundle_id, item_id)
);
CREATE INDEX bundle_items_item ON bundle_items (item_id);
