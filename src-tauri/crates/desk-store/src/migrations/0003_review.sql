-- Review workflow: assignments, comment period, attachments' metadata (in item_sets),
-- checklists and their templates, sign-off records.
ALTER TABLE items ADD COLUMN clerk_id TEXT;
ALTER TABLE items ADD COLUMN reviewer_id TEXT;
ALTER TABLE items ADD COLUMN signer_id TEXT;
ALTER TABLE items ADD COLUMN comment_start TEXT;
ALTER TABLE items ADD COLUMN comment_end TEXT;
ALTER TABLE items ADD COLUMN status_note TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN changed_after_signoff TEXT NOT NULL DEFAULT '[]';
ALTER TABLE items ADD COLUMN published_url TEXT NOT NULL DEFAULT '';
CREATE INDEX items_clerk ON items (clerk_id);
CREATE INDEX items_reviewer ON items (reviewer_id);
CREATE INDEX items_signer ON items (signer_id);

-- Every version of every template is kept: items point at the version they were worked under.
CREATE TABLE checklist_templates (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    category_ids TEXT NOT NULL,
    checks TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE item_checklists (
    item_id TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    template_id TEXT NOT NULL,
    template_version INTEGER NOT NULL
);

CREATE TABLE item_checks (
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    state TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    covers TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (item_id, key)
);

-- Sign-off records outlive any change of their item: no foreign key, and never edited.
CREATE TABLE signoffs (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL,
    signer_id TEXT NOT NULL,
    signer_name TEXT NOT NULL,
    basis TEXT NOT NULL,
    at TEXT NOT NULL,
    device_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    form_version INTEGER NOT NULL
);
CREATE INDEX signoffs_item ON signoffs (item_id, at);
CREATE TRIGGER signoffs_never_edited BEFORE UPDATE ON signoffs
BEGIN
    SELECT RAISE(ABORT, 'sign-off records are never edited');
END;
CREATE TRIGGER signoffs_never_deleted BEFORE DELETE ON signoffs
BEGIN
    SELECT RAISE(ABORT, 'sign-off records are never deleted');
END;

-- The catalog-wide log filters by person and by time.
CREATE INDEX ops_author ON ops (author_id, clock);
CREATE INDEX ops_clock ON ops (clock);
