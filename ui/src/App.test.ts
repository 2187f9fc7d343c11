import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { AppInfo, CatalogSettings, ItemQuery, Person } from './ipc/bindings';

const appInfo = vi.fn();
const getSettings = vi.fn();
const listItems = vi.fn();
const listPeople = vi.fn();
const savePerson = vi.fn();
const setCurrentPerson = vi.fn();
const discardSample = vi.fn();
const createPersonalKey = vi.fn();
vi.mock('./ipc/api', () => ({
  createPersonalKey: (password: string) => createPersonalKey(password),
  appInfo: () => appInfo(),
  signingState: async () => ({ office_fingerprint: null, set_up_in_office: false, office_key_here: false, roster_version: null, my_key: null }),
  listDepartments: async () => [{ id: 'd-gfc', name: '规法处', code: 'GFC', kind: 'department' }],
  listCategories: async () => [],
  getSettings: () => getSettings(),
  saveSettings: async (s: CatalogSettings) => s,
  listItems: (q: ItemQuery) => listItems(q),
  listPeople: () => listPeople(),
  savePerson: (p: Person) => savePerson(p),
  setCurrentPerson: (id: string) => setCurrentPerson(id),
  discardSample: () => discardSample(),
  departmentProgress: async () => [],
  auditLog: async () => ({ entries: [], total: 0, offset: 0 }),
  listTemplates: async () => [],
  listCalendarYears: async () => [],
  onSyncEvents: async () => () => {},
  syncStatus: async () => ({
    device_id: 'dev-a',
    catalog_id: 'cat',
    folder: null,
    last_sync: null,
    last_error: null,
    ops_waiting_to_go_out: 0,
    conflicts: 0,
    clock_warnings: [],
    waiting: [],
    cursors: [],
    duplicate_index_numbers: [],
    kept_aside: [],
  }),
}));

const { default: App } = await import('./App.svelte');
const { setLang } = await import('./i18n/index.svelte');
const { session } = await import('./lib/session.svelte');
const { route } = await import('./lib/nav.svelte');
const { catalogState } = await import('./screens/catalog/catalogState.svelte');
const { defaultFilters } = await import('./lib/query');

const WANG: Person = { id: 'p1', name: '王芳', department_id: 'd-gfc', roles: ['clerk'] };
const LI: Person = { id: 'p2', name: '李强', department_id: 'd-gfc', roles: ['section_head'] };

const info: AppInfo = {
  version: '0.1.0',
  data_dir: '/data',
  database_path: '/data/catalog.db',
  log_dir: '/data/logs',
  device_id: 'pc-1',
  current_person: null,
  item_count: 0,
  set_aside_files: [],
  sample: { state: 'none' },
  synced: false,
  devices: [],
};
const settings: CatalogSettings = {
  channels: ['政府网站'],
  levels: ['市级'],
  index_rule: '{org}-{seq:4}',
  org_code: '210200-JY',
  due_working_days: 20,
  category_deadlines: [],
  office_signs: false,
  export_omit_names: false,
};

/** Item totals by view and due filter ("my_work/overdue"), anything else is 0. */
function itemTotals(totals: Record<string, number>) {
  listItems.mockImplementation(async (q: ItemQuery) => ({
    items: [],
    total: totals[`${q.view ?? 'all'}/${q.due ?? ''}`] ?? 0,
    offset: q.offset,
  }));
}

beforeEach(() => {
  appInfo.mockReset();
  getSettings.mockReset();
  getSettings.mockResolvedValue(settings);
  listItems.mockReset();
  itemTotals({});
  listPeople.mockReset();
  listPeople.mockResolvedValue([WANG, LI]);
  savePerson.mockReset();
  setCurrentPerson.mockReset();
  createPersonalKey.mockReset();
  setLang('zh-CN');
  session.info = null;
  session.settings = null;
  session.error = null;
  session.loaded = false;
  session.chooserOpen = false;
  session.chooserPutOff = false;
  session.startAnswer = null;
  discardSample.mockReset();
  catalogState.filters = defaultFilters();
  route.screen = 'catalog';
});

describe('App', () => {
  it('opens the catalog settings from the navigation', async () => {
    appInfo.mockResolvedValue({ ...info, current_person: WANG });
    const { findByTestId, getByTestId } = render(App);
    const nav = await findByTestId('nav-settings');
    expect(nav.textContent).toContain('目录设置');
    await fireEvent.click(nav);
    await findByTestId('settings-screen');
    expect(getByTestId('settings-index-example').textContent).toBe('210200-JY-0001');
    expect(nav.getAttribute('aria-current')).toBe('page');
  });

  it('explains a damaged database with its path, and retries', async () => {
    appInfo.mockRejectedValueOnce({
      code: 'database_corrupt',
      message: 'the database /data/catalog.db is damaged (file is not a database); it was left untouched',
      problems: [],
    });
    appInfo.mockResolvedValue({ ...info, current_person: WANG });
    const { findByTestId, getByTestId, queryByTestId } = render(App);
    const banner = await findByTestId('error-banner');
    expect(banner.textContent).toContain('数据库已损坏');
    expect(getByTestId('error-detail').textContent).toContain('/data/catalog.db');
    await fireEvent.click(getByTestId('error-retry'));
    await waitFor(() => expect(queryByTestId('error-banner')).toBeNull());
    expect(appInfo).toHaveBeenCalledTimes(2);
  });

  it('offers the progress, checklist, audit and calendar screens in the navigation', async () => {
    appInfo.mockResolvedValue({ ...info, current_person: WANG });
    const { findByTestId, getByTestId } = render(App);
    await fireEvent.click(await findByTestId('nav-progress'));
    await findByTestId('progress-screen');
    expect(getByTestId('nav-progress').textContent).toContain('进度');
    await fireEvent.click(getByTestId('nav-templates'));
    await findByTestId('templates-screen');
    expect(getByTestId('nav-templates').textContent).toContain('审查清单');
    await fireEvent.click(getByTestId('nav-audit'));
    await findByTestId('audit-screen');
    expect(getByTestId('nav-audit').textContent).toContain('操作日志');
    await fireEvent.click(getByTestId('nav-calendar'));
    expect(getByTestId('nav-calendar').getAttribute('aria-current')).toBe('page');
    expect(getByTestId('nav-calendar').textContent).toContain('工作日日历');
  });

  it('asks at first run who you are, and adds you: savePerson, then setCurrentPerson', async () => {
    appInfo.mockResolvedValue(info);
    listPeople.mockResolvedValue([]);
    const me: Person = { id: 'p9', name: '赵敏', department_id: 'd-gfc', roles: ['coordinator'] };
    savePerson.mockResolvedValue(me);
    setCurrentPerson.mockResolvedValue({ ...info, current_person: me });
    const { findByTestId, getByTestId, queryByTestId } = render(App);
    const dialog = await findByTestId('welcome-dialog');
    expect(dialog.textContent).toContain('欢迎使用');
    expect(getByTestId('current-person').textContent).toContain('未选择人员');

    // Nobody on the list yet: the form to add oneself is shown.
    const name = await findByTestId('welcome-name');
    await fireEvent.click(getByTestId('welcome-confirm'));
    expect(savePerson).not.toHaveBeenCalled();
    expect(dialog.textContent).toContain('请填写姓名');

    await fireEvent.input(name, { target: { value: ' 赵敏 ' } });
    await fireEvent.change(getByTestId('welcome-department'), { target: { value: 'd-gfc' } });
    await fireEvent.change(getByTestId('welcome-role'), { target: { value: 'coordinator' } });
    await fireEvent.click(getByTestId('welcome-confirm'));
    await waitFor(() => expect(queryByTestId('welcome-dialog')).toBeNull());
    expect(savePerson).toHaveBeenCalledWith({ id: '', name: '赵敏', department_id: 'd-gfc', roles: ['coordinator'] });
    expect(setCurrentPerson).toHaveBeenCalledWith('p9');
    expect(savePerson.mock.invocationCallOrder[0]).toBeLessThan(setCurrentPerson.mock.invocationCallOrder[0]);
    expect(getByTestId('current-person').textContent).toContain('赵敏');
    expect(getByTestId('current-person').textContent).toContain('规法处');
  });

  it('makes the signing key of a section head added at first run, the password typed twice', async () => {
    appInfo.mockResolvedValue(info);
    listPeople.mockResolvedValue([]);
    const me: Person = { id: 'p7', name: '李处长', department_id: 'd-gfc', roles: ['section_head'] };
    savePerson.mockResolvedValue(me);
    setCurrentPerson.mockResolvedValue({ ...info, current_person: me });
    createPersonalKey.mockResolvedValue('11111 22222 33333 44444 55555 66666 77777 88888');
    const { findByTestId, getByTestId, queryByTestId } = render(App);
    const name = await findByTestId('welcome-name');
    await fireEvent.input(name, { target: { value: '李处长' } });
    // A clerk is asked for no key.
    expect(queryByTestId('welcome-key-password')).toBeNull();
    await fireEvent.change(getByTestId('welcome-role'), { target: { value: 'section_head' } });
    await fireEvent.input(await findByTestId('welcome-key-password'), { target: { value: '处长的口令-2026' } });
    await fireEvent.input(getByTestId('welcome-key-password-again'), { target: { value: '处长的口令-2025' } });
    await fireEvent.click(getByTestId('welcome-confirm'));
    expect(getByTestId('welcome-dialog').textContent).toContain('两次输入的密码不一样');
    expect(savePerson).not.toHaveBeenCalled();
    await fireEvent.input(getByTestId('welcome-key-password-again'), { target: { value: '处长的口令-2026' } });
    await fireEvent.click(getByTestId('welcome-confirm'));
    await waitFor(() => expect(queryByTestId('welcome-dialog')).toBeNull());
    expect(createPersonalKey).toHaveBeenCalledWith('处长的口令-2026');
    expect(setCurrentPerson.mock.invocationCallOrder[0]).toBeLessThan(createPersonalKey.mock.invocationCallOrder[0]);
  });

  it('lets you choose yourself from the list, or put it off and switch later from the top bar', async () => {
    appInfo.mockResolvedValue(info);
    setCurrentPerson.mockResolvedValue({ ...info, current_person: LI });
    const { findByTestId, getByTestId, queryByTestId } = render(App);
    await findByTestId('welcome-dialog');
    await fireEvent.click(getByTestId('welcome-later'));
    expect(queryByTestId('welcome-dialog')).toBeNull();
    expect(session.chooserPutOff).toBe(true);

    await fireEvent.click(getByTestId('current-person'));
    const select = (await findByTestId('welcome-person-select')) as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['', 'p1', 'p2']);
    expect(select.options[2].textContent).toContain('处室负责人');
    await fireEvent.change(select, { target: { value: 'p2' } });
    await fireEvent.click(getByTestId('welcome-confirm'));
    await waitFor(() => expect(queryByTestId('welcome-dialog')).toBeNull());
    expect(savePerson).not.toHaveBeenCalled();
    expect(setCurrentPerson).toHaveBeenCalledWith('p2');
    expect(getByTestId('current-person').textContent).toContain('李强');
  });

  it('asks first how to start on a PC with the untouched sample: join, start empty, or try it', async () => {
    const sample: AppInfo = { ...info, item_count: 17, sample: { state: 'untouched' } };
    appInfo.mockResolvedValue(sample);
    discardSample.mockResolvedValue({ ...info, sample: { state: 'none' } });
    const { findByTestId, getByTestId, queryByTestId } = render(App);
    const panel = await findByTestId('start-panel');
    expect(panel.textContent).toContain('17 项任务');
    expect(panel.textContent).toContain('示例目录不会带过去');
    expect(queryByTestId('welcome-dialog')).toBeNull();

    // Starting empty removes the sample; then "who are you" follows.
    await fireEvent.click(getByTestId('start-empty'));
    await waitFor(() => expect(queryByTestId('start-panel')).toBeNull());
    expect(discardSample).toHaveBeenCalledTimes(1);
    await findByTestId('welcome-dialog');
  });

  it('asks who you are only after a PC that goes to join the office folder has joined', async () => {
    appInfo.mockResolvedValue({ ...info, sample: { state: 'untouched' } });
    const { findByTestId, getByTestId, queryByTestId } = render(App);
    await findByTestId('start-panel');
    await fireEvent.click(getByTestId('start-join'));
    await findByTestId('sync-folder-input');
    expect(queryByTestId('start-panel')).toBeNull();
    expect(queryByTestId('welcome-dialog')).toBeNull();
    session.info = { ...info, synced: true };
    await findByTestId('welcome-dialog');
  });

  it('does not ask how to start once the PC synced, and "try the sample" keeps it', async () => {
    appInfo.mockResolvedValue({ ...info, sample: { state: 'untouched' }, synced: true });
    const first = render(App);
    await first.findByTestId('welcome-dialog');
    expect(first.queryByTestId('start-panel')).toBeNull();
    first.unmount();

    session.loaded = false;
    appInfo.mockResolvedValue({ ...info, sample: { state: 'untouched' } });
    const { findByTestId, getByTestId, queryByTestId } = render(App);
    await findByTestId('start-panel');
    await fireEvent.click(getByTestId('start-sample'));
    await waitFor(() => expect(queryByTestId('start-panel')).toBeNull());
    expect(discardSample).not.toHaveBeenCalled();
    await findByTestId('welcome-dialog');
  });

  it('does not ask at start when the person is known', async () => {
    appInfo.mockResolvedValue({ ...info, current_person: WANG });
    const { findByTestId, queryByTestId } = render(App);
    expect((await findByTestId('current-person')).textContent).toContain('王芳');
    expect(queryByTestId('welcome-dialog')).toBeNull();
  });

  it('tells at start how many of your items are overdue or due this week, and opens them', async () => {
    appInfo.mockResolvedValue({ ...info, current_person: WANG });
    itemTotals({ 'my_work/overdue': 1, 'my_work/due_this_week': 2 });
    const { findByTestId, getByTestId, queryByTestId } = render(App);
    const notice = await findByTestId('startup-notice');
    expect(notice.textContent).toContain('你有 1 项逾期、2 项本周到期');
    expect(queryByTestId('startup-notice-awaiting_my_signoff')).toBeNull();

    route.screen = 'about';
    await fireEvent.click(getByTestId('startup-open-my_work'));
    expect(route.screen).toBe('catalog');
    expect(catalogState.filters).toMatchObject({ view: 'my_work', due: 'overdue_or_due_this_week' });
    await waitFor(() => expect(getByTestId('view-my_work').getAttribute('aria-pressed')).toBe('true'));

    await fireEvent.click(getByTestId('startup-dismiss'));
    expect(queryByTestId('startup-notice')).toBeNull();
  });

  it('tells a section head about overdue sign-offs too, and nothing when all is on time', async () => {
    appInfo.mockResolvedValue({ ...info, current_person: LI });
    itemTotals({ 'awaiting_my_signoff/overdue': 3 });
    const { findByTestId, queryByTestId } = render(App);
    expect((await findByTestId('startup-notice-awaiting_my_signoff')).textContent).toContain('3 项逾期、0 项本周到期');
    expect(queryByTestId('startup-notice-my_work')).toBeNull();
  });
});
