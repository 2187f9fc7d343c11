import { afterEach, describe, expect, it } from 'vitest';
import zhCN from '../../i18n/zh-CN';
import en from '../../i18n/en';
import { setLang } from '../../i18n/index.svelte';
import { errorText } from '../../lib/errors';
import { applyProgress, formatBytes, percent, updateState } from './updateState.svelte';

// Every code desk-update's UpdateError can send (src-tauri/crates/desk-update/src/error.rs).
const UPDATE_CODES = [
  'update_not_configured', 'update_config_invalid', 'update_key_invalid', 'update_secret_key_invalid',
  'update_folder_unreachable', 'update_server_unreachable', 'update_manifest_missing', 'update_manifest_invalid',
  'update_no_package', 'update_package_missing', 'update_package_incomplete', 'update_signature_malformed',
  'update_wrong_key', 'update_package_changed', 'update_version_not_signed', 'update_version_mismatch',
  'update_version_invalid', 'update_not_newer', 'update_download_failed', 'update_install_failed',
  'update_not_installed', 'update_nothing_to_install',
];

afterEach(() => setLang('zh-CN'));

describe('update refusals', () => {
  it.each(UPDATE_CODES)('%s is explained in both languages', (code) => {
    for (const [lang, catalog] of [['zh-CN', zhCN], ['en', en]] as const) {
      expect((catalog.errors as Record<string, string>)[code], `${lang} ${code}`).toBeTruthy();
      setLang(lang);
      expect(errorText({ code, message: 'backend words', problems: [] })).not.toContain('backend words');
    }
  });
});

describe('progress', () => {
  it.each([
    [0, null, null],
    [5, 0, null],
    [0, 100, 0],
    [50, 200, 25],
    [199, 200, 100],
    [300, 200, 100],
  ])('percent(%i, %s) is %s', (done, total, expected) => {
    expect(percent(done, total)).toBe(expected);
  });

  it.each([
    [0, '0 KB'],
    [1536, '2 KB'],
    [1024 * 1024, '1.0 MB'],
    [14.25 * 1024 * 1024, '14.3 MB'],
  ])('formatBytes(%i) is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('follows the stages the backend sends', () => {
    updateState.phase = 'downloading';
    applyProgress({ stage: 'downloading', done: 10, total: 40 });
    expect([updateState.done, updateState.total]).toEqual([10, 40]);
    applyProgress({ stage: 'verified' });
    expect(updateState.verified).toBe(true);
    applyProgress({ stage: 'installing' });
    expect(updateState.phase).toBe('installing');
    applyProgress({ stage: 'installed', version: '0.2.0' });
    expect(updateState.phase).toBe('installed');
  });
});
