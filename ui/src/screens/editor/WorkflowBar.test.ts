import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { Action, Item, ItemReview } from '../../ipc/bindings';
import WorkflowBar from './WorkflowBar.svelte';
import { setLang } from '../../i18n/index.svelte';
import { blankItem } from '../../lib/item';
import { action, sampleReview } from '../../lib/reviewFixtures';

function item(): Item {
  return {
    ...blankItem(),
    id: 'item-1',
    title: '关于规范招生工作的通知',
    doc_no: '大教发〔2026〕1号',
    index_no: '210200-JY-2026-0001',
    attachments: [{ sha256: 'ab', name: '通知.pdf', size: 1024, media_type: 'application/pdf' }],
    summary: '根据有关规定，规范全市义务教育招生工作。',
  };
}

function awaiting(signOff: ReturnType<typeof action>): ItemReview {
  return sampleReview({
    status: 'awaiting_signoff',
    actions: [
      action('submit', false),
      action('request_signoff', false),
      signOff,
      action('send_back', true, { to: 'in_review', asks_text: true }),
      action('withdraw', true, { to: 'withdrawn', asks_text: true }),
    ],
  });
}

function setup(review: ItemReview = sampleReview(), dirty = false) {
  const onact = vi.fn(async (_action: Action, _text: string) => {});
  const result = render(WorkflowBar, { item: item(), review, dirty, onact });
  return { ...result, onact };
}

beforeEach(() => setLang('zh-CN'));

describe('WorkflowBar', () => {
  it('shows only the actions the backend allows, in order', () => {
    const { getAllByRole, queryByTestId } = setup();
    expect(getAllByRole('button').map((b) => b.getAttribute('data-testid'))).toEqual([
      'workflow-action-request_signoff',
      'workflow-action-send_back',
      'workflow-action-withdraw',
    ]);
    expect(queryByTestId('workflow-action-sign_off')).toBeNull();
    expect(queryByTestId('workflow-action-decide_not_disclose')).toBeNull();
  });

  it('shows sign-off disabled with the reason while the item waits for it', () => {
    const refused = action('sign_off', false, { refusal_code: 'workflow_checks_blocking', refusal: 'required checks are not passed yet' });
    const { getByTestId } = setup(awaiting(refused));
    const button = getByTestId('workflow-action-sign_off') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    const hint = getByTestId('signoff-refusal');
    expect(hint.textContent).toContain('暂不能签批');
    expect(hint.textContent).toContain('政治关');
    expect(button.getAttribute('aria-describedby')).toBe('signoff-refusal');
  });

  it('explains a sign-off this person may not give', () => {
    setLang('en');
    const refused = action('sign_off', false, { refusal_code: 'workflow_not_entitled', refusal: 'x' });
    const { getByTestId } = setup(awaiting(refused));
    expect(getByTestId('signoff-refusal').textContent).toContain('Only a section head');
  });

  it('asks for the reason to send back, refusing empty text', async () => {
    const { getByTestId, queryByTestId, onact } = setup();
    await fireEvent.click(getByTestId('workflow-action-send_back'));
    expect(getByTestId('text-dialog').textContent).toContain('退回：请写明原因');
    await fireEvent.click(getByTestId('reason-confirm'));
    expect(getByTestId('reason-problem').textContent).toContain('请填写原因');
    expect(onact).not.toHaveBeenCalled();
    await fireEvent.input(getByTestId('reason-input'), { target: { value: ' 文号有误 ' } });
    await fireEvent.keyDown(getByTestId('reason-input'), { key: 'Enter', ctrlKey: true });
    expect(onact).toHaveBeenCalledWith('send_back', '文号有误');
    await waitFor(() => expect(queryByTestId('text-dialog')).toBeNull());
  });

  it('keeps the dialog open with the backend refusal translated', async () => {
    const { getByTestId, findByTestId, onact } = setup();
    onact.mockRejectedValueOnce({ code: 'workflow_not_from_status', message: 'an item that is Draft cannot be SendBack', problems: [] });
    await fireEvent.click(getByTestId('workflow-action-withdraw'));
    await fireEvent.input(getByTestId('reason-input'), { target: { value: '重复事项' } });
    await fireEvent.click(getByTestId('reason-confirm'));
    expect((await findByTestId('dialog-error')).textContent).toContain('事项当前的状态不能进行这项操作');
    expect(getByTestId('text-dialog')).toBeTruthy();
  });

  it('offers the person\'s own work first and what other roles do after it', async () => {
    // A section head who has just signed: export and the published address are the office's and the web team's.
    const review = sampleReview({
      status: 'signed_off',
      actions: [
        action('mark_exported', true, { to: 'exported', own_work: false }),
        action('mark_published', true, { asks_text: true, own_work: false }),
        action('withdraw', true, { to: 'withdrawn', asks_text: true, own_work: false }),
      ],
    });
    const first = setup(review);
    expect(first.getByTestId('workflow-others-label').textContent).toBe('（通常由其他岗位办理）');
    expect(first.getByTestId('workflow-action-mark_exported').className).toContain('secondary');
    first.unmount();

    const mixed = sampleReview({
      status: 'in_review',
      actions: [action('withdraw', true, { to: 'withdrawn', asks_text: true, own_work: false }), action('request_signoff', true, { to: 'awaiting_signoff' })],
    });
    const second = setup(mixed);
    const buttons = [...second.getAllByRole('button')].map((b) => b.getAttribute('data-testid')).filter((id) => id?.startsWith('workflow-action-'));
    expect(buttons).toEqual(['workflow-action-request_signoff', 'workflow-action-withdraw']);
    expect(second.getByTestId('workflow-others-label').textContent).toBe('其他岗位的操作：');
  });

  it('asks for a well-formed address to record publication', async () => {
    const review = sampleReview({ status: 'signed_off', actions: [action('mark_published', true, { asks_text: true })] });
    const { getByTestId, onact } = setup(review);
    await fireEvent.click(getByTestId('workflow-action-mark_published'));
    await fireEvent.input(getByTestId('reason-input'), { target: { value: 'jyj.dl.gov.cn/1' } });
    await fireEvent.click(getByTestId('reason-confirm'));
    expect(getByTestId('reason-problem').textContent).toContain('http://');
    expect(onact).not.toHaveBeenCalled();
    await fireEvent.input(getByTestId('reason-input'), { target: { value: 'https://jyj.dl.gov.cn/zwgk/1.html' } });
    await fireEvent.click(getByTestId('reason-confirm'));
    expect(onact).toHaveBeenCalledWith('mark_published', 'https://jyj.dl.gov.cn/zwgk/1.html');
  });

  it('shows what is signed before signing off', async () => {
    const { getByTestId, queryByTestId, onact } = setup(awaiting(action('sign_off', true, { to: 'signed_off' })));
    await fireEvent.click(getByTestId('workflow-action-sign_off'));
    const dialog = getByTestId('confirm-dialog');
    expect(dialog.textContent).toContain('你将签批以下内容');
    expect(dialog.textContent).toContain('关于规范招生工作的通知');
    expect(dialog.textContent).toContain('大教发〔2026〕1号');
    expect(dialog.textContent).toContain('通知.pdf');
    expect(getByTestId('signoff-hash').textContent).toBe('0123456789ab');
    expect(getByTestId('signoff-summary-text').textContent).toBe('根据有关规定，规范全市义务教育招生工作。');
    expect(getByTestId('signoff-checks').textContent).toContain('必查项 3/8 已完成');
    expect(getByTestId('signoff-checks').textContent).toContain('政治关');
    expect(document.activeElement).toBe(getByTestId('signoff-confirm'));
    await fireEvent.click(getByTestId('signoff-confirm'));
    expect(onact).toHaveBeenCalledWith('sign_off', '');
    await waitFor(() => expect(queryByTestId('confirm-dialog')).toBeNull());
  });

  it('asks for the signer\'s password where signing is set up, and keeps the dialog open on a wrong one', async () => {
    const review = { ...awaiting(action('sign_off', true, { to: 'signed_off' })), signing_required: true };
    const { getByTestId, findByTestId, queryByTestId, onact } = setup(review);
    await fireEvent.click(getByTestId('workflow-action-sign_off'));
    const password = getByTestId('signoff-password') as HTMLInputElement;
    expect(password.type).toBe('password');
    expect(document.activeElement).toBe(password);
    // Nothing goes to the backend without a password.
    await fireEvent.click(getByTestId('signoff-confirm'));
    expect(onact).not.toHaveBeenCalled();
    expect((await findByTestId('dialog-error')).textContent).toContain('请输入密码');
    onact.mockRejectedValueOnce({ code: 'wrong_password', message: 'wrong password', problems: [] });
    await fireEvent.input(password, { target: { value: '不对的口令123' } });
    await fireEvent.click(getByTestId('signoff-confirm'));
    expect(onact).toHaveBeenCalledWith('sign_off', '不对的口令123');
    expect((await findByTestId('dialog-error')).textContent).toContain('密码不对');
    await fireEvent.input(password, { target: { value: '处长的口令-2026' } });
    await fireEvent.click(getByTestId('signoff-confirm'));
    expect(onact).toHaveBeenLastCalledWith('sign_off', '处长的口令-2026');
    await waitFor(() => expect(queryByTestId('confirm-dialog')).toBeNull());
  });

  it('says at 待签批 who will sign it off, or that nobody can yet and who can fix that', () => {
    const { getByTestId, unmount } = setup({ ...awaiting(action('sign_off', false)), signers: ['李处长', '张主任'] });
    expect(getByTestId('workflow-signers').textContent).toContain('可由 李处长、张主任 签批');
    unmount();
    const none = setup({ ...awaiting(action('sign_off', false)), signers: [] });
    expect(none.getByTestId('workflow-signers').textContent).toContain('牵头部门还没有可以签批的人');
  });

  it('takes a plain action at once and shows a refusal in the banner', async () => {
    const { getByTestId, findByTestId, onact } = setup();
    onact.mockRejectedValueOnce({ code: 'workflow_no_lead_department', message: 'english', problems: [] });
    await fireEvent.click(getByTestId('workflow-action-request_signoff'));
    expect(onact).toHaveBeenCalledWith('request_signoff', '');
    expect((await findByTestId('error-banner')).textContent).toContain('事项还没有牵头部门');
  });

  it('waits for unsaved edits to be saved', () => {
    const { getByTestId } = setup(sampleReview(), true);
    expect((getByTestId('workflow-action-request_signoff') as HTMLButtonElement).disabled).toBe(true);
    expect(getByTestId('workflow-save-first').textContent).toContain('请先保存');
  });

  it('keeps focus inside a dialog and gives it back on Esc', async () => {
    const { getByTestId, queryByTestId } = setup();
    const opener = getByTestId('workflow-action-send_back');
    opener.focus();
    await fireEvent.click(opener);
    const input = getByTestId('reason-input');
    const confirm = getByTestId('reason-confirm');
    expect(document.activeElement).toBe(input);
    await fireEvent.keyDown(input, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(confirm);
    await fireEvent.keyDown(confirm, { key: 'Tab' });
    expect(document.activeElement).toBe(input);
    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(queryByTestId('text-dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
