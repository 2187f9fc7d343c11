-- Indexes that answer the list's filters, views and counts without reading item rows (see
-- `items::Plan`): an item row is wide, and at 100,000 items reading one per match is what made
-- the view counts and filtered searches slow. Each index ends in the row's seq (its rowid).

-- Status with the due date: the status filter, and "overdue / due this week" (open statuses and
-- a range of due dates) as three range reads. Replaces the index on status alone.
CREATE INDEX items_status_due ON items (status, effective_due);
DROP INDEX items_status;

-- "My work": the clerk's or reviewer's open items. Replace the indexes on the person alone.
CREATE INDEX items_clerk_status ON items (clerk_id, status);
DROP INDEX items_clerk;
CREATE INDEX items_reviewer_status ON items (reviewer_id, status);
DROP INDEX items_reviewer;

-- "Awaiting my sign-off": the items awaiting sign-off whose signer is the person, or whose lead
-- department is the section head's. Replace the indexes on the department and the signer alone.
CREATE INDEX items_lead_status ON items (lead_department_id, status);
DROP INDEX items_lead;
CREATE INDEX items_signer_status ON items (signer_id, status);
DROP INDEX items_signer;

-- The category and 公开属性 filters.
CREATE INDEX items_category ON items (category_id);
CREATE INDEX items_disclosure ON items (disclosure);
