import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { Person } from '../../ipc/bindings';
import ChecklistPanel from './ChecklistPanel.svelte';
import { setLang } from '../../i18n/index.svelte';
import { ID_HIT, MOBILE_HIT, sampleReview } from '../../lib/reviewFixtures';

const people: Person[] = [{ id: 'p-wang', name: '王芳', department_id: 'd-gfc', roles: ['clerk'] }];

function setup(overrides: { dirty?: boolean; upgrade?: boolean; signed?: boolean } = {}) {
  const onmark = vi.fn(async () => {});
  const onmask = vi.fn(async () => {});
  const onupgrade = vi.fn(async () => {});
  const checklist = sampleReview().checklist;
  if (overrides.upgrade) checklist.upgrade_to = { id: 'normative', name: '行政规范性文件审查清单', version: 2 };
  const result = render(ChecklistPanel, { checklist, people, dirty: overrides.dirty ?? false, signed: overrides.signed ?? false, onmark, onmask, onupgrade });
  return { ...result, onmark, onmask, onupgrade };
}

beforeEach(() => setLang('zh-CN'));

describe('ChecklistPanel', () => {
  it('shows the groups, each check with its state in words, the marks and what the rules found', () => {
    const { getByTestId, getAllByRole, queryByTestId } = setup();
    expect(getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['保密审查', '内容审查(五关)', '个人信息与商业秘密']);
    expect(getByTestId('checklist-progress').textContent).toContain('必查项 3/8 已完成');
    expect(getByTestId('checklist-template').textContent).toContain('行政规范性文件审查清单 v1');
    expect(getByTestId('check-secrecy_review-state').textContent).toContain('通过');
    expect(getByTestId('check-check_political-state').textContent).toContain('待查');
    expect(getByTestId('check-check_legal-state').textContent).toContain('不通过');
    expect(getByTestId('check-secrecy_declassified-state').textContent).toContain('不适用');
    // Who marked it: a known person by name, anyone else by id.
    expect(getByTestId('check-secrecy_review-mark').textContent).toContain('王芳');
    expect(getByTestId('check-secrecy_review-mark').textContent).toContain('2026年11月24日');
    expect(getByTestId('check-secrecy_declassified-mark').textContent).toContain('zhang');
    expect(getByTestId('check-check_legal-mark').textContent).toContain('p-li');
    expect(getByTestId('check-check_legal-mark').textContent).toContain('依据条款引用有误');
    expect(getByTestId('check-check_political').textContent).toContain('必查');
    expect(getByTestId('check-check_political').textContent).toContain('政治关的审查要点');
    expect(getByTestId('check-extra_note').textContent).not.toContain('必查');
    expect(getByTestId('check-comment_period-findings').textContent).toContain('征求意见期为12天，最少需15天');
    expect(getByTestId('check-attachments_links-findings').textContent).toContain('通知.pdf');
    // Not applicable only where the template allows it; an automatic check with findings cannot pass.
    expect(queryByTestId('check-secrecy_review-na')).toBeNull();
    expect(getByTestId('check-secrecy_declassified-na')).toBeTruthy();
    expect((getByTestId('check-attachments_links-pass') as HTMLButtonElement).disabled).toBe(true);
    expect(queryByTestId('checklist-upgrade')).toBeNull();
  });

  it('speaks English too', () => {
    setLang('en');
    const { getByTestId } = setup();
    expect(getByTestId('checklist-progress').textContent).toContain('Required checks 3/8 done');
    expect(getByTestId('check-check_political-state').textContent).toContain('Pending');
    expect(getByTestId('check-comment_period-findings').textContent).toContain('The comment period was 12 days; the minimum is 15');
  });

  it('passes a manual check at once', async () => {
    const { getByTestId, onmark } = setup();
    await fireEvent.click(getByTestId('check-check_political-pass'));
    expect(onmark).toHaveBeenCalledWith('check_political', 'passed', '');
  });

  it('asks for a note before failing a check, and refuses an empty one', async () => {
    const { getByTestId, queryByTestId, onmark } = setup();
    await fireEvent.click(getByTestId('check-check_political-fail'));
    expect(getByTestId('text-dialog').textContent).toContain('不通过：政治关');
    await fireEvent.input(getByTestId('reason-input'), { target: { value: '   ' } });
    await fireEvent.click(getByTestId('reason-confirm'));
    expect(getByTestId('reason-problem').textContent).toContain('请填写备注');
    expect(onmark).not.toHaveBeenCalled();
    await fireEvent.input(getByTestId('reason-input'), { target: { value: '表述需修改' } });
    await fireEvent.click(getByTestId('reason-confirm'));
    expect(onmark).toHaveBeenCalledWith('check_political', 'failed', '表述需修改');
    await waitFor(() => expect(queryByTestId('text-dialog')).toBeNull());
  });

  it('asks why a check does not apply, and closes on Esc', async () => {
    const { getByTestId, queryByTestId, onmark } = setup();
    await fireEvent.click(getByTestId('check-secrecy_declassified-na'));
    expect(getByTestId('text-dialog').textContent).toContain('不适用：曾定密的已依法解密');
    await fireEvent.keyDown(getByTestId('reason-input'), { key: 'Escape' });
    expect(queryByTestId('text-dialog')).toBeNull();
    expect(onmark).not.toHaveBeenCalled();
  });

  it('shows a refused mark beside its check, translated', async () => {
    const { getByTestId, findByTestId, onmark } = setup();
    onmark.mockRejectedValueOnce({ code: 'check_rule_not_met', message: 'english', problems: [] });
    await fireEvent.click(getByTestId('check-check_political-pass'));
    expect((await findByTestId('check-check_political-error')).textContent).toContain('自动检查发现了问题');
  });

  it('lists each unmasked number and masks one or all of those in the item text', async () => {
    const { getAllByTestId, getByTestId, onmask } = setup();
    const hits = getAllByTestId('pii-hit');
    expect(hits).toHaveLength(3);
    expect(hits[0].textContent).toContain('身份证号');
    expect(hits[0].textContent).toContain('内容概述');
    expect(hits[0].textContent).toContain('350102199001011234');
    expect(hits[0].textContent).toContain('35*************234');
    expect(hits[2].textContent).toContain('附件“名单.txt”');
    expect(getByTestId('check-privacy_scan').textContent).toContain('请在原文件中遮蔽');
    await fireEvent.click(getByTestId('mask-all'));
    expect(onmask).toHaveBeenCalledWith([ID_HIT, MOBILE_HIT]);
    await waitFor(() => expect((getAllByTestId('pii-mask')[1] as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(getAllByTestId('pii-mask')[1]);
    expect(onmask).toHaveBeenLastCalledWith([MOBILE_HIT]);
  });

  it('waits for a save before masking', () => {
    const { getByTestId } = setup({ dirty: true });
    expect((getByTestId('mask-all') as HTMLButtonElement).disabled).toBe(true);
    expect(getByTestId('check-privacy_scan').textContent).toContain('保存后才能遮蔽');
  });

  it('passes the personal-data scan only with a written reason', async () => {
    const { getByTestId, onmark } = setup();
    await fireEvent.click(getByTestId('check-privacy_scan-pass'));
    expect(getByTestId('text-dialog').textContent).toContain('确认通过');
    await fireEvent.input(getByTestId('reason-input'), { target: { value: '公开的服务电话' } });
    await fireEvent.keyDown(getByTestId('reason-input'), { key: 'Enter', ctrlKey: true });
    expect(onmark).toHaveBeenCalledWith('privacy_scan', 'passed', '公开的服务电话');
  });

  it('upgrades the checklist after asking', async () => {
    const { getByTestId, queryByTestId, onupgrade } = setup({ upgrade: true });
    await fireEvent.click(getByTestId('checklist-upgrade'));
    expect(getByTestId('confirm-dialog').textContent).toContain('v2');
    await fireEvent.click(getByTestId('checklist-upgrade-confirm'));
    expect(onupgrade).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(queryByTestId('confirm-dialog')).toBeNull());
  });

  it('warns and asks before a mark voids a sign-off', async () => {
    const { getByTestId, queryByTestId, onmark } = setup({ signed: true });
    expect(getByTestId('checklist-signed-warning').textContent).toContain('会使签批失效');
    await fireEvent.click(getByTestId('check-check_political-pass'));
    expect(onmark).not.toHaveBeenCalled();
    await fireEvent.keyDown(getByTestId('checklist-signed-confirm'), { key: 'Escape' });
    expect(queryByTestId('confirm-dialog')).toBeNull();
    await fireEvent.click(getByTestId('check-check_political-pass'));
    await fireEvent.keyDown(getByTestId('checklist-signed-confirm'), { key: 'Enter', ctrlKey: true });
    expect(onmark).toHaveBeenCalledWith('check_political', 'passed', '');
  });

  it('passes the other pending checks in one confirmed step, listing them first', async () => {
    const onpassall = vi.fn(async () => {});
    const checklist = sampleReview().checklist;
    const pending = checklist.checks.filter((c) => c.state === 'pending' && c.findings.length === 0).map((c) => c.def.label);
    expect(pending.length).toBeGreaterThan(1);
    const { getByTestId, queryByTestId } = render(ChecklistPanel, {
      checklist,
      people,
      onmark: async () => {},
      onmask: async () => {},
      onupgrade: async () => {},
      onpassall,
    });
    const button = getByTestId('checklist-pass-all');
    expect(button.textContent).toContain(`其余 ${pending.length} 项全部通过`);
    await fireEvent.click(button);
    const list = getByTestId('checklist-pass-all-list');
    expect([...list.querySelectorAll('li')].map((li) => li.textContent)).toEqual(pending);
    // A check the rule failed, one marked failed and one passed already are not offered.
    for (const other of checklist.checks.filter((c) => c.state !== 'pending' || c.findings.length > 0)) {
      expect(pending).not.toContain(other.def.label);
    }
    expect(checklist.checks.some((c) => c.state === 'failed')).toBe(true);
    await fireEvent.click(getByTestId('checklist-pass-all-confirm'));
    await waitFor(() => expect(onpassall).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(queryByTestId('checklist-pass-all-list')).toBeNull());
  });
});
