// Dates as people read them: 2026年11月24日 in Chinese, 2026-11-24 in English.

import { tIn, type Lang } from '../i18n/index.svelte';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function dateParts(y: number, m: number, d: number) {
  return { y, m, d, mm: pad(m), dd: pad(d) };
}

/** A "YYYY-MM-DD" date for display; empty for no date, the text itself when it is not a date. */
export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '';
  const match = ISO_DATE.exec(iso);
  if (!match) return iso;
  return tIn(lang, 'date.format', dateParts(Number(match[1]), Number(match[2]), Number(match[3])));
}

/** An RFC 3339 timestamp as local date and time to the minute. */
export function formatDateTime(rfc3339: string | null | undefined, lang: Lang): string {
  if (!rfc3339) return '';
  const at = new Date(rfc3339);
  if (Number.isNaN(at.getTime())) return rfc3339;
  const date = tIn(lang, 'date.format', dateParts(at.getFullYear(), at.getMonth() + 1, at.getDate()));
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  return tIn(lang, 'date.dateTime', { date, time });
}

/** The short form of a device id shown in tables (the full id is in a tooltip). */
export function shortDeviceId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}
