-- Operations a PC issued again under a new id after an id clash (two PCs under one device id
-- numbered different operations alike): the old id and the new one. A base naming the old id
-- names the moved operation too, and an operation arriving after another that names it (by
-- either id) is overwritten already, so that every PC holding the same operations shows the same.
CREATE TABLE sync_moved (
    old_id TEXT NOT NULL,
    new_id TEXT NOT NULL,
    PRIMARY KEY (old_id, new_id)
) WITHOUT ROWID;
CREATE INDEX sync_moved_new ON sync_moved (new_id);
