// How a status looks: a tone (colour) that always goes with the status's text.

import type { Status } from '../ipc/bindings';

export type Tone = 'neutral' | 'progress' | 'waiting' | 'done' | 'muted' | 'stop';

export function statusTone(status: Status): Tone {
  switch (status) {
    case 'draft':
      return 'neutral';
    case 'in_review':
      return 'progress';
    case 'awaiting_signoff':
      return 'waiting';
    case 'signed_off':
    case 'exported':
    case 'published':
      return 'done';
    case 'withdrawn':
      return 'muted';
    case 'not_disclosed':
      return 'stop';
  }
}
