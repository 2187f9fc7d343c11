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

-- The default checklist templates (通用, 行政规范性文件, 规章), version 1, as this migration installs
-- them: written out here so that what this migration does never changes. A later change of the
-- defaults is a new template version in a new migration.
INSERT INTO checklist_templates (id, version, name, category_ids, checks, created_at, created_by)
VALUES ('general', 1, '通用审查清单', '[]',
'[{"key":"disclosure_decided","group":"","label":"公开属性已确定","guidance":"主动公开，或写明依申请公开/不予公开的法定理由（条例第十四、十五、十六条）","required":true,"allow_not_applicable":false,"rule":{"type":"disclosure_decided"}},{"key":"secrecy_review","group":"保密审查","label":"已完成保密审查","guidance":"一事一审，先审查后公开；审查记录留存","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"secrecy_unmarked","group":"保密审查","label":"未标注密级","guidance":"标有密级的文件不得公开","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"secrecy_content","group":"保密审查","label":"未标密级的内容不涉及国家秘密","guidance":"未标密级但内容涉密的，按涉密处理，不得公开","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"secrecy_declassified","group":"保密审查","label":"曾定密的已依法解密","guidance":"曾经定密的文件，须先解密后公开","required":true,"allow_not_applicable":true,"rule":{"type":"manual"}},{"key":"secrecy_partial","group":"保密审查","label":"部分涉密的已作区分处理","guidance":"能够作区分处理的，删除涉密内容后公开","required":true,"allow_not_applicable":true,"rule":{"type":"manual"}},{"key":"secrecy_joint","group":"保密审查","label":"联合发文已征得其他发文机关同意","guidance":"联合发文须征得各发文机关同意后公开","required":true,"allow_not_applicable":true,"rule":{"type":"manual"}},{"key":"check_political","group":"内容审查(五关)","label":"政治关","guidance":"政治立场、导向正确","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"check_legal","group":"内容审查(五关)","label":"法律关","guidance":"内容合法，依据充分","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"check_policy","group":"内容审查(五关)","label":"政策关","guidance":"与现行政策一致，表述准确","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"check_secrecy","group":"内容审查(五关)","label":"保密关","guidance":"不含国家秘密、工作秘密","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"check_text","group":"内容审查(五关)","label":"文字关","guidance":"文字、数字、标点准确规范","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"privacy_review","group":"个人信息与商业秘密","label":"不含个人隐私和商业秘密","guidance":"电话、身份证号已遮蔽（如138****1234），地址不细于乡镇；涉及商业秘密的已征求第三方意见","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"privacy_scan","group":"个人信息与商业秘密","label":"未发现未遮蔽的个人信息","guidance":"自动扫描正文和文本附件中的身份证号、手机号、银行卡号；确属公开号码的，写明理由后可通过","required":true,"allow_not_applicable":false,"rule":{"type":"personal_data"}},{"key":"attachments_links","group":"","label":"附件可读、链接有效","guidance":"附件完整可打开，关联事项存在，网址格式正确","required":true,"allow_not_applicable":false,"rule":{"type":"attachments_and_links"}}]',
strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'system');
INSERT INTO checklist_templates (id, version, name, category_ids, checks, created_at, created_by)
VALUES ('normative', 1, '行政规范性文件审查清单', '["cat-normative"]',
'[{"key":"disclosure_decided","group":"","label":"公开属性已确定","guidance":"主动公开，或写明依申请公开/不予公开的法定理由（条例第十四、十五、十六条）","required":true,"allow_not_applicable":false,"rule":{"type":"disclosure_decided"}},{"key":"secrecy_review","group":"保密审查","label":"已完成保密审查","guidance":"一事一审，先审查后公开；审查记录留存","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"secrecy_unmarked","group":"保密审查","label":"未标注密级","guidance":"标有密级的文件不得公开","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"secrecy_content","group":"保密审查","label":"未标密级的内容不涉及国家秘密","guidance":"未标密级但内容涉密的，按涉密处理，不得公开","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"secrecy_declassified","group":"保密审查","label":"曾定密的已依法解密","guidance":"曾经定密的文件，须先解密后公开","required":true,"allow_not_applicable":true,"rule":{"type":"manual"}},{"key":"secrecy_partial","group":"保密审查","label":"部分涉密的已作区分处理","guidance":"能够作区分处理的，删除涉密内容后公开","required":true,"allow_not_applicable":true,"rule":{"type":"manual"}},{"key":"secrecy_joint","group":"保密审查","label":"联合发文已征得其他发文机关同意","guidance":"联合发文须征得各发文机关同意后公开","required":true,"allow_not_applicable":true,"rule":{"type":"manual"}},{"key":"check_political","group":"内容审查(五关)","label":"政治关","guidance":"政治立场、导向正确","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"check_legal","group":"内容审查(五关)","label":"法律关","guidance":"内容合法，依据充分","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"check_policy","group":"内容审查(五关)","label":"政策关","guidance":"与现行政策一致，表述准确","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"check_secrecy","group":"内容审查(五关)","label":"保密关","guidance":"不含国家秘密、工作秘密","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"check_text","group":"内容审查(五关)","label":"文字关","guidance":"文字、数字、标点准确规范","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"privacy_review","group":"个人信息与商业秘密","label":"不含个人隐私和商业秘密","guidance":"电话、身份证号已遮蔽（如138****1234），地址不细于乡镇；涉及商业秘密的已征求第三方意见","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"privacy_scan","group":"个人信息与商业秘密","label":"未发现未遮蔽的个人信息","guidance":"自动扫描正文和文本附件中的身份证号、手机号、银行卡号；确属公开号码的，写明理由后可通过","required":true,"allow_not_applicable":false,"rule":{"type":"personal_data"}},{"key":"attachments_links","group":"","label":"附件可读、链接有效","guidance":"附件完整可打开，关联事项存在，网址格式正确","required":true,"allow_not_applicable":false,"rule":{"type":"attachments_and_links"}},{"key":"interpretation","group":"","label":"政策解读同步","guidance":"谁起草、谁解读：解读材料与政策文件同步审签、同步发布","required":true,"allow_not_applicable":false,"rule":{"type":"interpretation_linked"}},{"key":"comment_period","group":"","label":"征求意见期满且反馈已公开","guidance":"征求意见期限不少于规定天数；意见收集和采纳情况已公开","required":true,"allow_not_applicable":true,"rule":{"type":"comment_period","min_days":15}}]',
strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'system');
INSERT INTO checklist_templates (id, version, name, category_ids, checks, created_at, created_by)
VALUES ('rules', 1, '规章审查清单', '["cat-rules"]',
'[{"key":"disclosure_decided","group":"","label":"公开属性已确定","guidance":"主动公开，或写明依申请公开/不予公开的法定理由（条例第十四、十五、十六条）","required":true,"allow_not_applicable":false,"rule":{"type":"disclosure_decided"}},{"key":"secrecy_review","group":"保密审查","label":"已完成保密审查","guidance":"一事一审，先审查后公开；审查记录留存","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"secrecy_unmarked","group":"保密审查","label":"未标注密级","guidance":"标有密级的文件不得公开","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"secrecy_content","group":"保密审查","label":"未标密级的内容不涉及国家秘密","guidance":"未标密级但内容涉密的，按涉密处理，不得公开","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"secrecy_declassified","group":"保密审查","label":"曾定密的已依法解密","guidance":"曾经定密的文件，须先解密后公开","required":true,"allow_not_applicable":true,"rule":{"type":"manual"}},{"key":"secrecy_partial","group":"保密审查","label":"部分涉密的已作区分处理","guidance":"能够作区分处理的，删除涉密内容后公开","required":true,"allow_not_applicable":true,"rule":{"type":"manual"}},{"key":"secrecy_joint","group":"保密审查","label":"联合发文已征得其他发文机关同意","guidance":"联合发文须征得各发文机关同意后公开","required":true,"allow_not_applicable":true,"rule":{"type":"manual"}},{"key":"check_political","group":"内容审查(五关)","label":"政治关","guidance":"政治立场、导向正确","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"check_legal","group":"内容审查(五关)","label":"法律关","guidance":"内容合法，依据充分","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"check_policy","group":"内容审查(五关)","label":"政策关","guidance":"与现行政策一致，表述准确","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"check_secrecy","group":"内容审查(五关)","label":"保密关","guidance":"不含国家秘密、工作秘密","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"check_text","group":"内容审查(五关)","label":"文字关","guidance":"文字、数字、标点准确规范","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"privacy_review","group":"个人信息与商业秘密","label":"不含个人隐私和商业秘密","guidance":"电话、身份证号已遮蔽（如138****1234），地址不细于乡镇；涉及商业秘密的已征求第三方意见","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}},{"key":"privacy_scan","group":"个人信息与商业秘密","label":"未发现未遮蔽的个人信息","guidance":"自动扫描正文和文本附件中的身份证号、手机号、银行卡号；确属公开号码的，写明理由后可通过","required":true,"allow_not_applicable":false,"rule":{"type":"personal_data"}},{"key":"attachments_links","group":"","label":"附件可读、链接有效","guidance":"附件完整可打开，关联事项存在，网址格式正确","required":true,"allow_not_applicable":false,"rule":{"type":"attachments_and_links"}},{"key":"interpretation","group":"","label":"政策解读同步","guidance":"谁起草、谁解读：解读材料与政策文件同步审签、同步发布","required":true,"allow_not_applicable":false,"rule":{"type":"interpretation_linked"}},{"key":"comment_period","group":"","label":"征求意见期满且反馈已公开","guidance":"征求意见期限不少于规定天数；意见收集和采纳情况已公开","required":true,"allow_not_applicable":true,"rule":{"type":"comment_period","min_days":30}}]',
strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'system');
