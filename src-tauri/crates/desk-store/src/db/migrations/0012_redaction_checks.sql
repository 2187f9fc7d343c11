-- 删减后公开 (a document published after redaction): the newest version of every checklist
-- template gets a next version that also asks, of redacted items only, that the attachment is
-- the redacted version and that what was removed was checked. Items keep the version they were
-- worked under until someone upgrades them. Written out here, as 0003 does, so that what this
-- migration installs never changes; a template that already has these keys is left as it is.
INSERT INTO checklist_templates (id, version, name, category_ids, checks, created_at, created_by)
SELECT id, version + 1, name, category_ids,
    json_insert(checks,
        '$[#]', json('{"key":"redacted_attachment","group":"删减后公开","label":"附件为删减后的版本","guidance":"公开的附件是删去不予公开内容后的文件，不是原件","required":true,"allow_not_applicable":false,"rule":{"type":"manual"},"disclosures":["redacted"]}'),
        '$[#]', json('{"key":"redaction_checked","group":"删减后公开","label":"删减内容已核对","guidance":"逐处核对删去的内容与删减依据相符，未多删、未漏删，删去的文字无法恢复（不是遮盖或隐藏）","required":true,"allow_not_applicable":false,"rule":{"type":"manual"},"disclosures":["redacted"]}')),
    strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'system'
FROM checklist_templates t
WHERE version = (SELECT max(version) FROM checklist_templates u WHERE u.id = t.id)
    AND NOT EXISTS (
        SELECT 1 FROM json_each(t.checks)
        WHERE json_extract(value, '$.key') IN ('redacted_attachment', 'redaction_checked')
    );
