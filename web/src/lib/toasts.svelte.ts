// Toasts: short notices in one polite live region; each goes away after a while or when closed.
// One may carry an action (e.g. "Annuler" after a re-link): running it closes the toast.
export interface Toast {
  id: number;
  text: string;
  href?: string;
  tone: 'info' | 'success' | 'error';
  action?: { label: string; run: () => void };
}

/** At most this many at once, so they never pile up over the page. */
const MAX = 3;
let next = 1;
export const toasts = $state<Toast[]>([]);

export function toast(
  text: string,
  opts: { href?: string; tone?: Toast['tone']; ms?: number; action?: Toast['action'] } = {},
): number {
  const id = next++;
  toasts.push({ id, text, href: opts.href, tone: opts.tone ?? 'info', action: opts.action });
  if (toasts.length > MAX) toasts.splice(0, toasts.length - MAX);
  setTimeout(() => dismiss(id), opts.ms ?? 8000);
  return id;
}

export function dismiss(id: number): void {
  const index = toasts.findIndex((t) => t.id === id);
  if (index >= 0) toasts.splice(index, 1);
}
