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
