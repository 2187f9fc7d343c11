import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Signoff } from '../../ipc/bindings';
import SignoffPanel from './SignoffPanel.svelte';
import { setLang } from '../../i18n/index.svelte';
import { sampleReview } from '../../lib/reviewFixtures';

const record: Signoff = {
  id: 's-1',
  item_id: 'item-1',
  signer_id: 'p-head',
  signer_name: '李处长',
  basis: 'section_head',
  at: '2026-12-01T08:00:00Z',
  device_id: 'a1b2c3d4e5f6',
  content_hash: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  form_version: 1,
};

const FINGERPRINT = '12345 67890 12345 67890 12345 67890 12345 67890';

beforeEach(() => setLang('zh-CN'));

describe('the sign-off panel', () => {
  it('says 签名有效 with the signer, the role, the time and the key fingerprint', () => {
    render(SignoffPanel, {
      review: sampleReview({
        status: 'signed_off',
        signoffs: [record],
        signoff_matches: true,
        verdicts: [{ state: 'valid', fingerprint: FINGERPRINT, roster_version: 2n, by_office: false }],
      }),
    });
    const verdict = screen.getByTestId('signature-verdict');
    expect(verdict.dataset.state).toBe('valid');
    expect(verdict.textContent).toContain('签名有效');
    expect(verdict.textContent).toContain('李处长');
    expect(verdict.textContent).toContain('牵头部门负责人');
    expect(verdict.textContent).toContain(FINGERPRINT);
  });

  it('says why a signature is not valid, and marks a sign-off from before signing as unsigned', () => {
    render(SignoffPanel, {
      review: sampleReview({
        status: 'signed_off',
        signoffs: [record, { ...record, id: 's-0', at: '2026-01-01T08:00:00Z' }],
        signoff_matches: true,
        verdicts: [
          { state: 'invalid', code: 'signoff_bad_signature', message: 'bad' },
          { state: 'unsigned' },
        ],
      }),
    });
    const verdict = screen.getByTestId('signature-verdict');
    expect(verdict.dataset.state).toBe('invalid');
    expect(verdict.textContent).toContain('签名无效');
    expect(verdict.textContent).toContain('复制自其他事项');
    const rows = screen.getAllByTestId('signoff-row');
    expect(rows[1].textContent).toContain('未签名（启用签名之前的签批）');
  });

  it('shows no signature line where signing is not set up', () => {
    render(SignoffPanel, {
      review: sampleReview({ status: 'signed_off', signoffs: [record], signoff_matches: true, verdicts: [{ state: 'not_set_up' }] }),
    });
    expect(screen.queryByTestId('signature-verdict')).toBeNull();
  });
});

describe('signing again', () => {
  it('offers to sign again an unsigned sign-off where signing is set up, asking for the password', async () => {
    const onsignagain = vi.fn(async (_password: string) => {});
    render(SignoffPanel, {
      review: sampleReview({
        status: 'signed_off',
        signoffs: [record],
        signoff_matches: true,
        signing_required: true,
        verdicts: [{ state: 'unsigned' }],
      }),
      onsignagain,
    });
    await fireEvent.click(screen.getByTestId('sign-again'));
    const input = screen.getByTestId('reason-input') as HTMLInputElement;
    expect(input.type).toBe('password');
    await fireEvent.input(input, { target: { value: ' 处长的口令 2026 ' } });
    await fireEvent.click(screen.getByTestId('reason-confirm'));
    // Taken as typed: spaces may be part of a password.
    expect(onsignagain).toHaveBeenCalledWith(' 处长的口令 2026 ');
    await waitFor(() => expect(screen.queryByTestId('text-dialog')).toBeNull());
  });

  it('offers nothing once the record is signed, or where signing is not set up', () => {
    render(SignoffPanel, {
      review: sampleReview({ status: 'signed_off', signoffs: [record], signoff_matches: true, signing_required: false, verdicts: [{ state: 'not_set_up' }] }),
      onsignagain: async () => {},
    });
    expect(screen.queryByTestId('sign-again')).toBeNull();
  });

  it("offers the coordinator's PC to accept it with the office key, and says so once accepted", async () => {
    const onaccept = vi.fn(async (_password: string) => {});
    const unsigned = sampleReview({
      status: 'signed_off',
      signoffs: [record],
      signoff_matches: true,
      signing_required: true,
      verdicts: [{ state: 'unsigned' }],
    });
    const { unmount } = render(SignoffPanel, { review: unsigned, onsignagain: async () => {}, onaccept });
    expect(screen.queryByTestId('accept-signoff')).toBeNull();
    unmount();
    render(SignoffPanel, { review: { ...unsigned, office_key_here: true }, onsignagain: async () => {}, onaccept });
    await fireEvent.click(screen.getByTestId('accept-signoff'));
    expect(screen.getByTestId('text-dialog').textContent).toContain('办公室密钥');
    await fireEvent.input(screen.getByTestId('reason-input'), { target: { value: '办公室口令-2026' } });
    await fireEvent.click(screen.getByTestId('reason-confirm'));
    expect(onaccept).toHaveBeenCalledWith('办公室口令-2026');
  });

  it('names an acceptance by the office key as such', () => {
    render(SignoffPanel, {
      review: sampleReview({
        status: 'signed_off',
        signoffs: [{ ...record, signer_name: '张主任', basis: 'office' }],
        signoff_matches: true,
        verdicts: [{ state: 'valid', fingerprint: FINGERPRINT, roster_version: 2n, by_office: true }],
      }),
    });
    const verdict = screen.getByTestId('signature-verdict');
    expect(verdict.textContent).toContain('以办公室密钥确认');
    expect(verdict.textContent).toContain('张主任');
  });
});
