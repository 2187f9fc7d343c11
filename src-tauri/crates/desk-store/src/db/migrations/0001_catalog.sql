-- The catalog: registry, items and the operation log.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE departments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'department'
);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    department_id TEXT REFERENCES departments (id),
    roles TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE categories (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES categories (id),
    name TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);

-- `seq` is a stable integer key for the search index (a plain rowid may change on VACUUM).
CREATE TABLE items (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    index_no TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    category_id TEXT REFERENCES categories (id),
    summary TEXT NOT NULL DEFAULT '',
    elements TEXT NOT NULL DEFAULT '',
    legal_basis TEXT NOT NULL DEFAULT '',
    issuing_body TEXT NOT NULL DEFAULT '',
    doc_no TEXT NOT NULL DEFAULT '',
    subject_category TEXT NOT NULL DEFAULT '',
    date_written TEXT,
    date_formed TEXT,
    date_published TEXT,
    due_date TEXT,
    effective_due TEXT,
    validity TEXT NOT NULL,
    disclosure TEXT NOT NULL,
    withheld_reason TEXT,
    withheld_note TEXT NOT NULL DEFAULT '',
    audience TEXT NOT NULL,
    level TEXT NOT NULL DEFAULT '',
    lead_department_id TEXT REFERENCES departments (id),
    status TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX items_index_no ON items (index_no);
CREATE INDEX items_lead ON items (lead_department_id);
CREATE INDEX items_status ON items (status);
CREATE INDEX items_due ON items (effective_due);
CREATE INDEX items_updated ON items (updated_at);
CREATE INDEX items_source ON items (source);

-- Set-valued fields (keywords, channels, co-departments, links …), one row per element, as JSON.
CREATE TABLE item_sets (
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (item_id, field, value)
);
CREATE INDEX item_sets_value ON item_sets (field, value);

-- The operation log: audit trail and sync outbox (sent_at is null until published).
CREATE TABLE ops (
    id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    clock TEXT NOT NULL,
    author_id TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    field TEXT,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    sent_at TEXT,
    UNIQUE (device_id, seq)
);
CREATE INDEX ops_entity ON ops (entity, entity_id, clock);
CREATE INDEX ops_outbox ON ops (sent_at) WHERE sent_at IS NULL;
