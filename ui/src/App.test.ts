import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { AppInfo, CatalogSettings } from './ipc/bindings';

const appInfo = vi.fn();
const getSettings = vi.fn();
vi.mock('./ipc/api', () => ({
  appInfo: () => appInfo(),
  listDepartments: async () => [],
  listCategories: async () => [],
  getSettings: () => getSettings(),
  saveSettings: async (s: CatalogSettings) => s,
  listItems: async () => ({ items: [], total: 0, offset: 0 }),
}));

const { default: App } = await import('./App.svelte');
const { setLang } = await import('./i18n/index.svelte');
const { session } = await import('./lib/session.svelte');

const info: AppInfo = {
  version: '0.1.0',
  data_dir: '/data',
  database_path: '/data/catalog.db',
  log_dir: '/data/logs',
  device_id: 'pc-1',
  current_person: null,
  item_count: 0,
};
const settings: CatalogSettings = {
  channels: ['政府网站'],
  levels: ['市级'],
  index_rule: '{org}-{seq:4}',
  org_code: '210200-JY',
  due_working_days: 20,
};

beforeEach(() => {
  appInfo.mockReset();
  getSettings.mockReset();
  getSettings.mockResolvedValue(settings);
  setLang('zh-CN');
  session.info = null;
  session.settings = null;
  session.error = null;
  session.loaded = false;
});

describe('App', () => {
  it('opens the catalog settings from the navigation', async () => {
    appInfo.mockResolvedValue(info);
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
    appInfo.mockResolvedValue(info);
    const { findByTestId, getByTestId, queryByTestId } = render(App);
    const banner = await findByTestId('error-banner');
    expect(banner.textContent).toContain('数据库已损坏');
    expect(getByTestId('error-detail').textContent).toContain('/data/catalog.db');
    await fireEvent.click(getByTestId('error-retry'));
    await waitFor(() => expect(queryByTestId('error-banner')).toBeNull());
    expect(appInfo).toHaveBeenCalledTimes(2);
  });
});
