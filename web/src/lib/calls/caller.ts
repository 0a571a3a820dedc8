// Who the other party of a call is, as every screen names them: the matched contact, else the number
// as it is shown, else "numéro inconnu". Defined once (live cards, toasts, call list, call page).
import { t } from '../i18n.svelte.ts';

export interface CallerFacts {
  contact?: { name: string } | null;
  external_number_display?: string;
  external_number?: string;
}

export function callerLabel(call: CallerFacts): string {
  return call.contact?.name ?? call.external_number_display ?? call.external_number ?? t('calls.unknown');
}
