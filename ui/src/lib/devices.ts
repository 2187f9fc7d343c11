// PCs named as the office names them (此电脑, 王芳的电脑) instead of by their ids; the id stays
// in the details for whoever must tell two PCs apart.

import type { DeviceName } from '../ipc/bindings';
import { t } from '../i18n/index.svelte';
import { shortDeviceId } from './format';
import { session } from './session.svelte';

/** The name of a PC among the PCs this catalog knows (`devices`, from the app's facts). */
export function nameDevice(id: string, devices: readonly DeviceName[]): string {
  const device = devices.find((d) => d.device_id === id);
  if (device?.this_pc) return t('devices.thisPc');
  const user = device?.user_name;
  if (!user) return t('devices.unnamed', { id: shortDeviceId(id) });
  // Two PCs of one person are told apart by their ids.
  const same = devices.filter((d) => !d.this_pc && d.user_name === user).length;
  return same > 1 ? t('devices.ofPersonWithId', { name: user, id: shortDeviceId(id) }) : t('devices.ofPerson', { name: user });
}

/** The name of a PC, from the session's list. */
export function deviceName(id: string): string {
  return nameDevice(id, session.info?.devices ?? []);
}
