// The i18n layer: every visible string goes through t(key, params). The current language is a
// rune, so anything that calls t() re-renders when the language changes.

import zhCN, { type Messages } from './zh-CN';
import en from './en';

export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];
export const catalogs: Record<Lang, Messages> = { 'zh-CN': zhCN, en };

const STORAGE_KEY = 'disclosure-desk.lang';

type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Every valid message key, e.g. "catalog.total". */
export type MessageKey = Leaves<Messages>;
export type Params = Record<string, string | number>;

function storedLang(): Lang {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (value === 'zh-CN' || value === 'en') return value;
  } catch {
    // Storage can be unavailable; the default language is fine then.
  }
  return 'zh-CN';
}

const state = $state<{ lang: Lang }>({ lang: storedLang() });

export function currentLang(): Lang {
  return state.lang;
}

export function setLang(lang: Lang): void {
  state.lang = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered, but still switched.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export function toggleLang(): void {
  setLang(state.lang === 'zh-CN' ? 'en' : 'zh-CN');
}

function lookup(messages: Messages, key: string): string | undefined {
  let node: unknown = messages;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

export function fill(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Whether a key exists (for codes that come from the backend and may be new). */
export function hasKey(key: string, lang: Lang = state.lang): boolean {
  return lookup(catalogs[lang], key) !== undefined;
}

/** The message for `key` in the current language, with {placeholders} filled. */
export function t(key: MessageKey, params?: Params): string {
  return tIn(state.lang, key, params);
}

/** Like t(), for a key built at run time; falls back to `fallback` when it does not exist. */
export function tDynamic(key: string, fallback: string, params?: Params): string {
  const message = lookup(catalogs[state.lang], key);
  return message === undefined ? fallback : fill(message, params);
}

export function tIn(lang: Lang, key: MessageKey, params?: Params): string {
  return fill(lookup(catalogs[lang], key) ?? key, params);
}
