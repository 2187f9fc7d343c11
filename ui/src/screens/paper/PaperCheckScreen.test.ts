import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { PaperCheck, PaperMatch } from '../../ipc/bindings';

const checkPaper = vi.fn();
vi.mock('../../ipc/api', () => ({ checkPaper: (code: string) => checkPaper(code) }));

const { default: PaperCheckScreen } = await import('./PaperCheckScreen.svelte');
const { setLang } = await import('../../i18n/index.svelte');
const { route } = await import('../../lib/nav.svelte');

const CODE = '7K2QD-M0XAE-4FJ9T-R8C2W';

function found(over: Partial<PaperMatch> = {}): PaperMatch {
  return {
    item_id: 'item-1',
    index_no: 'GFC-2026-0012',
    title: '关于做好2026年义务教育招生工作的通知',
    status: 'signed_off',
    unchanged: true,
    printed_signoff: { signer_name: '李处长', at: '2026-03-06T02:30:00Z' },
    ...over,
  };
}

function answer(matches: PaperMatch[]): PaperCheck {
  return { code: CODE, matches };
}

/** Types `text` as a scanner does (the characters, then Enter: the form submits). */
async function scan(text: string) {
  const input = screen.getByTestId('paper-code') as HTMLInputElement;
  await fireEvent.input(input, { target: { value: text } });
  await fireEvent.submit(input.form as HTMLFormElement);
}

beforeEach(() => {
  checkPaper.mockReset();
  setLang('zh-CN');
});

describe('checking a paper sheet', () => {
  it('starts with the keyboard in the code field', () => {
    render(PaperCheckScreen);
    expect(document.activeElement).toBe(screen.getByTestId('paper-code'));
  });

  it('names the item and says the paper is as the item is now, and who signed it', async () => {
    checkPaper.mockResolvedValue(answer([found()]));
    render(PaperCheckScreen);
    await scan(' 7k2qd m0xae 4fj9t r8c2w ');
    const match = await screen.findByTestId('paper-match');
    expect(checkPaper).toHaveBeenCalledWith('7k2qd m0xae 4fj9t r8c2w');
    expect(match.dataset.unchanged).toBe('true');
    expect(screen.getByTestId('paper-verdict').textContent).toContain('与打印时一致');
    expect(screen.getByTestId('paper-index-no').textContent).toBe('GFC-2026-0012');
    expect(screen.getByTestId('paper-title').textContent).toBe('关于做好2026年义务教育招生工作的通知');
    expect(match.textContent).toContain('已签批');
    expect(screen.getByTestId('paper-signoff').textContent).toContain('李处长');
    expect(screen.getByTestId('paper-signoff').textContent).toContain('2026年3月6日');
    expect(screen.getByTestId('paper-result').textContent).toContain(CODE);
    // The next scan replaces the code: it is selected.
    const input = screen.getByTestId('paper-code') as HTMLInputElement;
    await waitFor(() => expect(input.selectionEnd! - input.selectionStart!).toBe(input.value.length));
  });

  it('says the item changed since printing, and that the printed content has no sign-off', async () => {
    checkPaper.mockResolvedValue(answer([found({ unchanged: false, status: 'in_review', printed_signoff: null })]));
    render(PaperCheckScreen);
    await scan(CODE);
    const match = await screen.findByTestId('paper-match');
    expect(match.dataset.unchanged).toBe('false');
    expect(screen.getByTestId('paper-verdict').textContent).toContain('打印后已改动');
    expect(screen.getByTestId('paper-verdict').textContent).not.toContain('与打印时一致');
    expect(screen.getByTestId('paper-signoff').textContent).toContain('没有签批记录');
  });

  it('opens the item it found', async () => {
    checkPaper.mockResolvedValue(answer([found()]));
    render(PaperCheckScreen);
    await scan(CODE);
    await fireEvent.click(await screen.findByTestId('paper-open-item'));
    expect(route.screen).toBe('editor');
    expect(route.itemId).toBe('item-1');
  });

  it('says why no item may match: another office, deleted, or not synced yet', async () => {
    checkPaper.mockResolvedValue(answer([]));
    render(PaperCheckScreen);
    await scan(CODE);
    const none = await screen.findByTestId('paper-none');
    expect(none.textContent).toContain('本目录中没有这张单子对应的事项');
    expect(none.textContent).toContain('其他单位');
    expect(none.textContent).toContain('删除');
    expect(none.textContent).toContain('同步');
    expect(screen.queryByTestId('paper-match')).toBeNull();
  });

  it.each([
    ['verify_code_mistyped', '核对码对不上'],
    ['verify_code_malformed', '这不是呈批单上的核对码'],
  ])('shows a refused code by its problem, %s, in the person\'s language', async (code, words) => {
    checkPaper.mockRejectedValue({
      code: 'invalid_argument',
      message: 'refused',
      problems: [{ field: 'code', code, message: 'english words' }],
    });
    render(PaperCheckScreen);
    await scan('7K2QD-M0XAE-4FJ9T-R8C2X');
    const error = await screen.findByTestId('paper-error');
    expect(error.dataset.code).toBe(code);
    expect(error.textContent).toContain(words);
    expect(error.textContent).not.toContain('english words');
    expect(screen.getByTestId('paper-code').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('paper-result')).toBeNull();
  });

  it('shows other failures by their code', async () => {
    checkPaper.mockRejectedValue({ code: 'storage', message: 'disk I/O error', problems: [] });
    render(PaperCheckScreen);
    await scan(CODE);
    const error = await screen.findByTestId('paper-error');
    expect(error.textContent).toContain('保存数据时出错');
  });

  it('sends nothing for an empty field', async () => {
    render(PaperCheckScreen);
    await scan('   ');
    expect(checkPaper).not.toHaveBeenCalled();
  });
});
