// A stand-in backend for `npm run dev` in a plain browser (no Tauri window): sample data in
// memory, answering the same commands with the same shapes. Never part of the built app (main.ts
// imports it only in dev mode).

import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  AppInfo,
  Category,
  CatalogSettings,
  Department,
  ErrorPayload,
  FieldProblem,
  HistoryEntry,
  Item,
  ItemQuery,
  ItemSummary,
  Person,
  PlanImportRequest,
  PlanPreview,
  PlanTask,
  Status,
} from '../ipc/bindings';
import { blankItem, STATUSES } from '../lib/item';

const DEVICE = 'a3f9c2d17e4b4c0e9d55';

const departments: Department[] = [
  { id: 'd-bgs', name: '办公室', code: 'BGS', kind: 'department' },
  { id: 'd-gfc', name: '规法处', code: 'GFC', kind: 'department' },
  { id: 'd-jcjy', name: '基础教育处', code: 'JCJY', kind: 'department' },
  { id: 'd-xqc', name: '学前教育处', code: 'XQC', kind: 'department' },
  { id: 'd-cwc', name: '财务处', code: 'CWC', kind: 'department' },
  { id: 'd-zsks', name: '招生考试中心', code: 'ZSKS', kind: 'unit' },
];

const people: Person[] = [
  { id: 'p-1', name: '王芳', department_id: 'd-gfc', roles: ['clerk'] },
  { id: 'p-2', name: '李强', department_id: 'd-gfc', roles: ['section_head'] },
  { id: 'p-3', name: '张敏', department_id: 'd-bgs', roles: ['coordinator', 'clerk'] },
];

const categories: Category[] = [
  { id: 'c-1', parent_id: null, name: '政策文件', code: '01' },
  { id: 'c-1-1', parent_id: 'c-1', name: '规范性文件', code: '01' },
  { id: 'c-1-2', parent_id: 'c-1', name: '政策解读', code: '02' },
  { id: 'c-2', parent_id: null, name: '教育招生', code: '02' },
  { id: 'c-2-1', parent_id: 'c-2', name: '义务教育招生', code: '01' },
  { id: 'c-2-1-1', parent_id: 'c-2-1', name: '划片方案', code: '01' },
  { id: 'c-3', parent_id: null, name: '财政资金', code: '03' },
];

const settings: CatalogSettings = {
  channels: ['政府网站', '政府公报', '两微一端', '发布会/听证会', '广播电视', '纸质媒体', '公开查阅点', '政务服务中心', '便民服务站', '入户/现场', '公示栏(电子屏)', '精准推送', '其他'],
  levels: ['市级', '区县级', '乡镇(街道)', '村(社区)'],
  index_rule: '{org}-{dept}-{cat}-{year}-{seq:4}',
  org_code: '210200-JY',
  due_working_days: 20,
};

let currentPersonId: string | null = null;

const TOPICS = ['义务教育招生', '学前教育普惠', '校外培训治理', '教师招聘', '教育经费使用', '学校安全', '规范性文件清理', '双减工作', '中考改革', '民办学校审批'];
const KINDS = ['工作的通知', '实施方案', '政策解读', '情况通报', '年度报告', '意见'];

interface Row {
  item: Item;
  overdue: number | null;
  updated: string;
}

const rows: Row[] = [];
const byId = new Map<string, Row>();
const history = new Map<string, HistoryEntry[]>();
let seq = 0;

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function makeItem(i: number): Row {
  const item = blankItem();
  item.id = `item-${String(i).padStart(6, '0')}`;
  const year = 2019 + (i % 7);
  item.index_no = `210200-JY-${departments[i % departments.length].code}-${year}-${String(i + 1).padStart(5, '0')}`;
  item.title = `关于${TOPICS[i % TOPICS.length]}${KINDS[i % KINDS.length]}（第${i + 1}号）`;
  item.doc_no = i % 3 === 0 ? '' : `大教发〔${year}〕${(i % 97) + 1}号`;
  item.status = STATUSES[i % 6] as Status;
  item.lead_department_id = departments[i % departments.length].id;
  item.category_id = categories[i % categories.length].id;
  item.date_written = `${year}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`;
  const due = new Date(2026, 10, 24);
  due.setDate(due.getDate() + ((i * 7) % 60) - 30);
  item.due_date = isoDate(due);
  item.channels = i % 2 ? ['政府网站'] : ['政府网站', '两微一端'];
  if (i === 3) item.title = '<img src=x onerror=alert(1)> 名称里的尖括号只是文字';
  const open = item.status === 'draft' || item.status === 'in_review' || item.status === 'awaiting_signoff';
  const overdueDays = Math.floor((new Date(2026, 10, 24).getTime() - due.getTime()) / 86400000);
  return { item, overdue: open && overdueDays > 0 ? Math.ceil((overdueDays * 5) / 7) : null, updated: new Date(2026, 10, 1, 9, i % 60).toISOString() };
}

function summary(row: Row): ItemSummary {
  const { item } = row;
  return {
    id: item.id,
    index_no: item.index_no,
    title: item.title,
    doc_no: item.doc_no,
    status: item.status,
    disclosure: item.disclosure,
    category_name: categories.find((c) => c.id === item.category_id)?.name ?? null,
    lead_department_name: departments.find((d) => d.id === item.lead_department_id)?.name ?? null,
    date_written: item.date_written,
    due_date: item.due_date,
    overdue_days: row.overdue,
    updated_at: row.updated,
  };
}

function fail(code: string, message: string, problems: FieldProblem[] = []): never {
  const payload: ErrorPayload = { code, message, problems };
  throw payload;
}

function info(): AppInfo {
  return {
    version: '0.1.0-dev',
    data_dir: '/home/clerk/.local/share/disclosure-desk',
    database_path: '/home/clerk/.local/share/disclosure-desk/catalog.db',
    log_dir: '/home/clerk/.local/share/disclosure-desk/logs',
    device_id: DEVICE,
    current_person: people.find((p) => p.id === currentPersonId) ?? null,
    item_count: rows.length,
  };
}

function listItems(q: ItemQuery) {
  const text = q.text.trim().toLowerCase();
  const week = isoDate(new Date(2026, 10, 30));
  let found = rows.filter(
    (r) =>
      (!text || r.item.title.toLowerCase().includes(text) || r.item.doc_no.includes(text) || r.item.index_no.toLowerCase().includes(text)) &&
      (!q.department_id || r.item.lead_department_id === q.department_id) &&
      (!q.status || r.item.status === q.status) &&
      (!q.category_id || r.item.category_id === q.category_id) &&
      (!q.disclosure || r.item.disclosure === q.disclosure) &&
      (!q.due || (q.due === 'overdue' ? (r.overdue ?? 0) > 0 : !r.overdue && r.item.due_date !== null && r.item.due_date <= week && r.item.due_date >= '2026-11-24')),
  );
  const key = (r: Row): string => {
    switch (q.sort) {
      case 'title':
        return r.item.title;
      case 'index_no':
        return r.item.index_no;
      case 'due_date':
        return r.item.due_date ?? '';
      case 'date_written':
        return r.item.date_written ?? '';
      case 'status':
        return String(STATUSES.indexOf(r.item.status)).padStart(2, '0');
      default:
        return r.updated;
    }
  };
  if (q.sort !== 'relevance' || !text) {
    found = [...found].sort((a, b) => key(a).localeCompare(key(b), 'zh-CN'));
    if (q.descending !== (q.sort === 'relevance' || q.sort === 'updated')) found.reverse();
  }
  return { items: found.slice(q.offset, q.offset + q.limit).map(summary), total: found.length, offset: q.offset };
}

function record(id: string, entry: Omit<HistoryEntry, 'op_id' | 'at' | 'author_id' | 'author_name' | 'device_id'>) {
  const person = people.find((p) => p.id === currentPersonId);
  const list = history.get(id) ?? [];
  list.unshift({
    op_id: `op-${++seq}`,
    at: new Date().toISOString(),
    author_id: person?.id ?? '',
    author_name: person?.name ?? '',
    device_id: DEVICE,
    ...entry,
  });
  history.set(id, list);
}

function saveItem(item: Item): Item {
  const problems: FieldProblem[] = [];
  if (item.title.trim() === '') problems.push({ field: 'title', code: 'title_empty', message: 'the title is empty' });
  if (item.disclosure !== 'proactive' && !item.withheld_reason)
    problems.push({ field: 'withheld_reason', code: 'reason_required', message: 'reason required' });
  if (item.disclosure !== 'proactive' && !item.withheld_note.trim())
    problems.push({ field: 'withheld_note', code: 'reason_note_required', message: 'note required' });
  if (item.index_no && rows.some((r) => r.item.index_no === item.index_no && r.item.id !== item.id))
    problems.push({ field: 'index_no', code: 'index_no_taken', message: 'taken' });
  if (item.date_written && item.date_published && item.date_published < item.date_written)
    problems.push({ field: 'date_published', code: 'published_before_written', message: 'published before written' });
  if (problems.length) fail('invalid_item', 'the item has problems', problems);
  const saved: Item = JSON.parse(JSON.stringify(item));
  if (!saved.id) {
    saved.id = `item-new-${++seq}`;
    if (!saved.index_no) saved.index_no = `210200-JY-NEW-2026-${String(seq).padStart(4, '0')}`;
    const row = { item: saved, overdue: null, updated: new Date().toISOString() };
    rows.unshift(row);
    byId.set(saved.id, row);
    record(saved.id, { kind: 'create', field: null, old_value: null, new_value: null });
    return saved;
  }
  const row = byId.get(saved.id) ?? fail('not_found', 'no such item');
  const old = row.item as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(saved)) {
    const before = old[field];
    if (JSON.stringify(before) === JSON.stringify(value)) continue;
    if (Array.isArray(value) && Array.isArray(before)) {
      for (const v of before) if (!value.some((x) => JSON.stringify(x) === JSON.stringify(v))) record(saved.id, { kind: 'remove', field, old_value: v, new_value: null });
      for (const v of value) if (!before.some((x) => JSON.stringify(x) === JSON.stringify(v))) record(saved.id, { kind: 'add', field, old_value: null, new_value: v });
    } else {
      record(saved.id, { kind: 'set', field, old_value: (before ?? null) as HistoryEntry['old_value'], new_value: value as HistoryEntry['new_value'] });
    }
  }
  row.item = saved;
  row.updated = new Date().toISOString();
  return saved;
}

function parsePlan(text: string): PlanTask[] {
  const tasks: PlanTask[] = [];
  const lines = text.split(/\r?\n/);
  let section = '';
  for (const line of lines) {
    const trimmed = line.trim();
    if (/^[一二三四五六七八九十]+、/.test(trimmed)) {
      section = trimmed;
      continue;
    }
    const m = /^(\d+)[.．、]\s*(.+)$/.exec(trimmed);
    if (!m) continue;
    const body = m[2];
    const deptMatch = /[（(](?:责任部门|責任部門|责任单位)[:：]([^）)]+)[）)]/.exec(body);
    const names = deptMatch ? deptMatch[1].split(/[、，,]/).map((s) => s.trim()).filter(Boolean) : [];
    const title = body.split(/[。；]/)[0].slice(0, 60);
    tasks.push({
      path: [tasks.length + 1],
      number: m[1],
      section,
      title,
      text: body,
      departments: names.map((name, i) => ({ name, role: i === 0 ? 'lead' : 'co', group: /各|相关/.test(name) })),
      key: `mock-${title}`,
    });
  }
  return tasks;
}

const importedKeys = new Set<string>();

function previewPlan(text: string, encoding: string): PlanPreview {
  if (!text.trim()) fail('plan_empty', 'empty');
  const tasks = parsePlan(text);
  const unknown: string[] = [];
  const previews = tasks.map((task) => ({
    already_imported: importedKeys.has(task.key),
    departments: task.departments.map((d) => {
      const match = departments.find((x) => x.name === d.name);
      if (!match && !d.group && !unknown.includes(d.name)) unknown.push(d.name);
      return { ...d, department_id: match?.id ?? null };
    }),
  }));
  const warnings = tasks.flatMap((task, i) =>
    task.departments.length === 0 ? [{ task: i, code: 'no_departments', message: 'no departments', excerpt: task.text.slice(0, 40) }] : [],
  );
  return { parse: { tasks, warnings }, encoding, tasks: previews, unknown_departments: unknown };
}

function importPlan(request: PlanImportRequest) {
  let created = 0;
  let already = 0;
  const ids: string[] = [];
  for (const name of request.create_departments) {
    departments.push({ id: `d-new-${++seq}`, name, code: '', kind: 'department' });
  }
  for (const task of request.tasks) {
    if (importedKeys.has(task.key)) {
      already++;
      continue;
    }
    importedKeys.add(task.key);
    const item = blankItem();
    item.title = task.title;
    item.summary = task.text;
    item.source = `plan:${task.key}`;
    item.lead_department_id = departments.find((d) => d.name === task.departments[0]?.name)?.id ?? null;
    const saved = saveItem(item);
    ids.push(saved.id);
    created++;
  }
  const named = new Set(request.tasks.flatMap((t) => t.departments.filter((d) => !d.group).map((d) => d.name)));
  return {
    items_created: created,
    tasks_already_imported: already,
    departments_created: request.create_departments.length,
    item_ids: ids,
    departments_not_created: [...named].filter((n) => !departments.some((d) => d.name === n)),
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function installMockBackend(): void {
  const count = Number(new URLSearchParams(location.search).get('items') ?? '2000');
  for (let i = 0; i < count; i++) {
    const row = makeItem(i);
    rows.push(row);
    byId.set(row.item.id, row);
  }
  mockIPC(async (cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    await delay(40);
    switch (cmd) {
      case 'app_info':
        return info();
      case 'list_items':
        return listItems(args.query as ItemQuery);
      case 'get_item':
        return JSON.parse(JSON.stringify((byId.get(args.id as string) ?? fail('not_found', 'no such item')).item));
      case 'save_item':
        return saveItem(args.item as Item);
      case 'item_history':
        return history.get(args.id as string) ?? [];
      case 'list_departments':
        return departments;
      case 'save_department': {
        const d = args.department as Department;
        if (!d.id) {
          const saved = { ...d, id: `d-new-${++seq}` };
          departments.push(saved);
          return saved;
        }
        departments.splice(departments.findIndex((x) => x.id === d.id), 1, d);
        return d;
      }
      case 'list_people':
        return people;
      case 'save_person': {
        const p = args.person as Person;
        if (!p.id) {
          const saved = { ...p, id: `p-new-${++seq}` };
          people.push(saved);
          return saved;
        }
        people.splice(people.findIndex((x) => x.id === p.id), 1, p);
        return p;
      }
      case 'set_current_person':
        currentPersonId = args.id as string;
        return info();
      case 'list_categories':
        return categories;
      case 'get_settings':
        return settings;
      case 'preview_plan_text':
        await delay(300);
        return previewPlan(args.text as string, 'text');
      case 'open_plan_file':
        return null;
      case 'import_plan':
        await delay(300);
        return importPlan(args.request as PlanImportRequest);
      default:
        if (String(cmd).startsWith('plugin:log')) return null;
        return fail('internal', `mock backend does not know ${cmd}`);
    }
  });
}
