import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { RosterView, SigningState } from '../../ipc/bindings';

const FINGERPRINT = '11111 22222 33333 44444 55555 66666 77777 88888';
const HEAD_KEY = '99999 88888 77777 66666 55555 44444 33333 22222';
const DEVICE_KEY = '12121 34343 56565 78787 90909 21212 43434 65656';

let state: SigningState;
let roster: RosterView | null = null;
const setUpOffice = vi.fn(async (_password: string) => FINGERPRINT);
const createPersonalKey = vi.fn(async (_password: string) => HEAD_KEY);
const enrolPerson = vi.fn(async (_id: string, _roles: string[], _password: string) => roster);
const enrolDevice = vi.fn(async (_device: string, _password: string) => roster);

vi.mock('../../ipc/api', () => ({
  signingState: async () => state,
  rosterView: async () => roster,
  setUpOffice: (password: string) => setUpOffice(password),
  pinOfficeKey: async () => state,
  createPersonalKey: (password: string) => createPersonalKey(password),
  enrolPerson: (id: string, roles: string[], password: string) => enrolPerson(id, roles, password),
  enrolDevice: (device: string, password: string) => enrolDevice(device, password),
  listPeople: async () => [{ id: 'p-head', name: '李处长', department_id: 'd-1', roles: ['clerk', 'section_head'] }],
}));

const { default: SigningScreen } = await import('./SigningScreen.svelte');
const { setLang } = await import('../../i18n/index.svelte');
const { session } = await import('../../lib/session.svelte');

const blank: SigningState = {
  office_fingerprint: null,
  set_up_in_office: false,
  office_key_here: false,
  roster_version: null,
  my_key: null,
  device: { device_id: 'a1b2c3d4e5f6', fingerprint: null, enrolled: false, revoked: false },
};

beforeEach(() => {
  setLang('zh-CN');
  state = { ...blank };
  roster = null;
  session.info = {
    version: '0.1.0',
    data_dir: '',
    database_path: '',
    log_dir: '',
    device_id: 'a1b2c3d4e5f6',
    current_person: { id: 'p-head', name: '李处长', department_id: 'd-1', roles: ['section_head'] },
    item_count: 0,
    set_aside_files: [],
    sample: { state: 'none' },
    synced: true,
    devices: [],
  };
});

describe('the signing screen', () => {
  it('sets signing up with a password typed twice and shows the fingerprint to read out', async () => {
    render(SigningScreen);
    const form = await screen.findByTestId('office-setup');
    await fireEvent.input(screen.getByTestId('office-setup-password'), { target: { value: '办公室口令-2026' } });
    await fireEvent.input(screen.getByTestId('office-setup-password-again'), { target: { value: '办公室口令-2025' } });
    await fireEvent.submit(form);
    expect(setUpOffice).not.toHaveBeenCalled();
    expect(form.textContent).toContain('两次输入的密码不一样');
    await fireEvent.input(screen.getByTestId('office-setup-password-again'), { target: { value: '办公室口令-2026' } });
    state = { ...blank, office_fingerprint: FINGERPRINT, set_up_in_office: true, office_key_here: true, roster_version: 1 };
    await fireEvent.submit(form);
    expect(setUpOffice).toHaveBeenCalledWith('办公室口令-2026');
    expect((await screen.findByTestId('office-fingerprint')).textContent).toBe(FINGERPRINT);
    expect(screen.getByTestId('made-fingerprint').textContent).toContain(FINGERPRINT);
  });

  it('asks a PC of an office that set signing up to compare and pin the fingerprint', async () => {
    state = { ...blank, set_up_in_office: true };
    render(SigningScreen);
    expect(await screen.findByTestId('pin-fingerprint')).toBeTruthy();
    expect(screen.getByText(/逐组核对后输入/)).toBeTruthy();
  });

  it('shows a key waiting for enrolment, and the coordinator enrols it with the office password', async () => {
    state = {
      ...blank,
      office_fingerprint: FINGERPRINT,
      set_up_in_office: true,
      office_key_here: true,
      roster_version: 1,
      my_key: { fingerprint: HEAD_KEY, enrolled: false, revoked: false, roles: [], department_id: null },
    };
    roster = {
      version: 1,
      issued_at: '2026-12-01T08:00:00Z',
      office_fingerprint: FINGERPRINT,
      people: [],
      requests: [{ person_id: 'p-head', name: '李处长', fingerprint: HEAD_KEY, device_id: 'a1b2c3d4e5f6', requested_at: '2026-12-01T09:00:00Z' }],
      devices: [],
      device_requests: [],
    };
    render(SigningScreen);
    const keyState = await screen.findByTestId('my-key-state');
    expect(keyState.dataset.enrolled).toBe('false');
    expect(keyState.textContent).toContain('等待政务公开办登记');
    await fireEvent.click(screen.getByTestId('enrol-open'));
    const roleBox = (await screen.findByTestId('enrol-role-section_head')) as HTMLInputElement;
    await waitFor(() => expect(roleBox.checked).toBe(true));
    expect(screen.getByTestId('roster-dialog').textContent).toContain(HEAD_KEY);
    await fireEvent.input(screen.getByTestId('roster-office-password'), { target: { value: '办公室口令-2026' } });
    await fireEvent.click(screen.getByTestId('roster-confirm'));
    expect(enrolPerson).toHaveBeenCalledWith('p-head', ['clerk', 'section_head'], '办公室口令-2026');
  });

  it("shows this PC's device key until the office enrols it, and the coordinator enrols a PC that announced its key", async () => {
    state = {
      ...blank,
      office_fingerprint: FINGERPRINT,
      set_up_in_office: true,
      office_key_here: true,
      roster_version: 2,
      device: { device_id: 'a1b2c3d4e5f6', fingerprint: DEVICE_KEY, enrolled: false, revoked: false },
    };
    roster = {
      version: 2,
      issued_at: '2026-12-01T08:00:00Z',
      office_fingerprint: FINGERPRINT,
      people: [],
      requests: [],
      devices: [{ device_id: 'c0ffee000001', keys: [{ fingerprint: FINGERPRINT, enrolled_at: '2026-12-01T08:00:00Z', revoked_at: null }] }],
      device_requests: [{ device_id: 'b0b0b0b0b0b0', fingerprint: DEVICE_KEY, person: '李处长', first_seen: '2026-12-01T09:00:00Z' }],
    };
    render(SigningScreen);
    expect((await screen.findByTestId('device-fingerprint')).textContent).toBe(DEVICE_KEY);
    const deviceState = screen.getByTestId('device-state');
    expect(deviceState.dataset.enrolled).toBe('false');
    expect(deviceState.textContent).toContain('等待政务公开办登记这台电脑');
    expect(screen.getByTestId('roster-devices').textContent).toContain('c0ffee000001');
    const request = screen.getByTestId('device-request');
    expect(request.textContent).toContain('李处长');
    await fireEvent.click(screen.getByTestId('enrol-device-open'));
    expect(screen.getByTestId('roster-dialog').textContent).toContain(DEVICE_KEY);
    await fireEvent.input(screen.getByTestId('roster-office-password'), { target: { value: '办公室口令-2026' } });
    await fireEvent.click(screen.getByTestId('roster-confirm'));
    expect(enrolDevice).toHaveBeenCalledWith('b0b0b0b0b0b0', '办公室口令-2026');
  });

  it("changes an enrolled person's roles with the office password", async () => {
    state = { ...blank, office_fingerprint: FINGERPRINT, set_up_in_office: true, office_key_here: true, roster_version: 3 };
    roster = {
      version: 3,
      issued_at: '2026-12-01T08:00:00Z',
      office_fingerprint: FINGERPRINT,
      people: [
        {
          person_id: 'p-head',
          name: '李处长',
          department_id: 'd-1',
          roles: ['section_head'],
          keys: [{ fingerprint: HEAD_KEY, enrolled_at: '2026-12-01T09:00:00Z', revoked_at: null }],
        },
      ],
      requests: [],
      devices: [],
      device_requests: [],
    };
    render(SigningScreen);
    await fireEvent.click(await screen.findByTestId('roles-open'));
    expect(screen.getByTestId('roster-dialog').textContent).toContain('修改 李处长 的角色');
    const coordinator = screen.getByTestId('enrol-role-coordinator') as HTMLInputElement;
    expect((screen.getByTestId('enrol-role-section_head') as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(coordinator);
    await fireEvent.input(screen.getByTestId('roster-office-password'), { target: { value: '办公室口令-2026' } });
    await fireEvent.click(screen.getByTestId('roster-confirm'));
    expect(enrolPerson).toHaveBeenCalledWith('p-head', ['section_head', 'coordinator'], '办公室口令-2026');
  });
});
