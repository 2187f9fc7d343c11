// Placeholder written by hand from the Rust types in src-tauri/crates/desk-core.
// This file is regenerated from those types (ts-rs) and will be overwritten: do not edit by hand.

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;

export type Item = { id: string, index_no: string, title: string, category_id: string | null, summary: string, elements: string, legal_basis: string, issuing_body: string, doc_no: string, subject_category: string, keywords: Array<string>, date_written: string | null, date_formed: string | null, date_published: string | null, due_date: string | null, validity: Validity, disclosure: Disclosure, withheld_reason: WithheldReason | null, withheld_note: string, audience: Audience, channels: Array<string>, level: string, lead_department_id: string | null, co_department_ids: Array<string>, other_responsible: Array<string>, links: Array<ItemLink>, status: Status, notes: string, source: string, };

export type Validity = "valid" | "expired" | "repealed";

export type Disclosure = "proactive" | "on_request" | "withheld";

export type WithheldReason = "state_secret" | "law_forbids" | "security_stability" | "trade_secret" | "privacy" | "internal_affairs" | "process_information" | "enforcement_case_file" | "on_request_only";

export type Audience = "public" | "specific_group";

export type Status = "draft" | "in_review" | "awaiting_signoff" | "signed_off" | "exported" | "published" | "withdrawn" | "not_disclosed";

export type ItemLink = { target_id: string, kind: LinkKind, };

export type LinkKind = "interpretation" | "interprets" | "comment_feedback" | "related";

export type Department = { id: string, name: string, code: string, kind: DepartmentKind, };

export type DepartmentKind = "department" | "unit";

export type Person = { id: string, name: string, department_id: string | null, roles: Array<Role>, };

export type Role = "clerk" | "section_head" | "coordinator" | "web_team";

export type Category = { id: string, parent_id: string | null, name: string, code: string, };

export type ItemField = "index_no" | "title" | "category_id" | "summary" | "elements" | "legal_basis" | "issuing_body" | "doc_no" | "subject_category" | "keywords" | "date_written" | "date_formed" | "date_published" | "due_date" | "validity" | "disclosure" | "withheld_reason" | "withheld_note" | "audience" | "channels" | "level" | "lead_department_id" | "co_department_ids" | "other_responsible" | "links" | "status" | "notes" | "source";

export type ItemQuery = { text: string, department_id: string | null, status: Status | null, category_id: string | null, disclosure: Disclosure | null, due: DueFilter | null, sort: SortKey, descending: boolean, offset: number, limit: number, };

export type DueFilter = "overdue" | "due_this_week";

export type SortKey = "relevance" | "title" | "index_no" | "due_date" | "date_written" | "updated" | "status";

export type ItemSummary = { id: string, index_no: string, title: string, doc_no: string, status: Status, disclosure: Disclosure, category_name: string | null, lead_department_name: string | null, date_written: string | null, due_date: string | null, overdue_days: number | null, updated_at: string, };

export type ItemPage = { items: Array<ItemSummary>, total: number, offset: number, };

export type Hlc = { wall_ms: bigint, counter: number, };

export type Operation = { id: string, device_id: string, seq: number, clock: Hlc, author_id: string, entity: EntityKind, entity_id: string, kind: OpKind, field: string | null, old_value: JsonValue, new_value: JsonValue, };

export type EntityKind = "item" | "department" | "person" | "category" | "setting";

export type OpKind = "create" | "set" | "add" | "remove" | "delete";

export type HistoryEntry = { op_id: string, at: string, author_id: string, author_name: string, device_id: string, kind: OpKind, field: string | null, old_value: JsonValue, new_value: JsonValue, };

export type CatalogSettings = { channels: Array<string>, levels: Array<string>, index_rule: string, org_code: string, due_working_days: number, };

export type FieldProblem = { field: string, code: string, message: string, };

export type ErrorPayload = { code: string, message: string, problems: Array<FieldProblem>, };

export type AppInfo = { version: string, data_dir: string, database_path: string, log_dir: string, device_id: string, current_person: Person | null, item_count: number, };

export type PlanParse = { tasks: Array<PlanTask>, warnings: Array<PlanWarning>, };

export type PlanTask = { path: Array<number>, number: string, section: string, title: string, text: string, departments: Array<PlanDepartment>, key: string, };

export type PlanDepartment = { name: string, role: DepartmentRole, group: boolean, };

export type DepartmentRole = "lead" | "co" | "responsible";

export type PlanWarning = { task: number | null, code: string, message: string, excerpt: string, };

export type PlanPreview = { parse: PlanParse, encoding: string, tasks: Array<TaskPreview>, unknown_departments: Array<string>, };

export type TaskPreview = { already_imported: boolean, departments: Array<DepartmentMatch>, };

export type DepartmentMatch = { name: string, role: DepartmentRole, group: boolean, department_id: string | null, };

export type PlanImportRequest = { tasks: Array<PlanTask>, create_departments: Array<string>, };

export type PlanImportReport = { items_created: number, tasks_already_imported: number, departments_created: number, item_ids: Array<string>, departments_not_created: Array<string>, };
