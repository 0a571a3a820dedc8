// A call's title in the reader's language, from the call's facts (the stored title is in the firm's
// language, written once at ingestion): "Appel entrant - Marie Dupont" / "Incoming call - Marie Dupont".
import { t } from '../i18n.svelte.ts';
import { callerLabel, type CallerFacts } from './caller.ts';

export interface TitleFacts extends CallerFacts {
  direction?: string;
  call_type?: string;
}

export function callTitle(call: TitleFacts): string {
  const kind =
    call.call_type === 'voicemail'
      ? t('title.voicemail')
      : call.direction === 'outbound'
        ? t('title.outbound')
        : call.call_type === 'missed'
          ? t('title.missed')
          : call.direction === 'inbound'
            ? t('title.inbound')
            : t('title.call');
  return `${kind} - ${callerLabel(call)}`;
}
