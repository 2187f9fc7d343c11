-- Full-text search over folded bigram tokens (see search.rs); rowid = items.seq.
CREATE VIRTUAL TABLE item_search USING fts5 (
    title,
    doc_no,
    summary,
    keywords,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61'
);

-- Fill the index from the items already there: `Catalog::open` rebuilds it when this is set.
INSERT INTO meta (key, value) VALUES ('rebuild:search', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
