// Rules about the source itself: item text is never HTML, and only ipc/api.ts talks to the backend.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const sources = files(SRC).filter((f) => /\.(svelte|ts)$/.test(f) && !/\.test\.ts$/.test(f));

describe('source rules', () => {
  it('never renders raw HTML', () => {
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      expect(text.includes('{@html'), relative(SRC, file)).toBe(false);
      expect(/\.innerHTML\s*=/.test(text), relative(SRC, file)).toBe(false);
    }
  });

  it('calls invoke only from ipc/api.ts', () => {
    for (const file of sources) {
      const rel = relative(SRC, file).split('\\').join('/');
      if (rel === 'ipc/api.ts') continue;
      const text = readFileSync(file, 'utf8');
      expect(text.includes("from '@tauri-apps/api/core'"), rel).toBe(false);
    }
  });

  it('keeps index.html free of inline script and style', () => {
    const html = readFileSync(join(__dirname, '..', 'index.html'), 'utf8');
    expect(/<script(?![^>]*\bsrc=)[^>]*>/.test(html)).toBe(false);
    expect(/<style/.test(html)).toBe(false);
    expect(/\sstyle=/.test(html)).toBe(false);
  });
});
