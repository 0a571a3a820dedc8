// Toasts: short notices in one polite live region; each goes away after a while or when closed.
export interface Toast {
  id: number;
  text: string;
  href?: string;
  tone: 'info' | 'success' | 'error';
}

let next = 1;
export const toasts = $state<Toast[]>([]);

export function toast(text: string, opts: { href?: string; tone?: Toast['tone']; ms?: number } = {}): void {
  const id = next++;
  toasts.push({ id, text, href: opts.href, tone: opts.tone ?? 'info' });
  if (toasts.length > 5) toasts.splice(0, toasts.length - 5);
  setTimeout(() => dismiss(id), opts.ms ?? 8000);
}

export function dismiss(id: number): void {
  const index = toasts.findIndex((t) => t.id === id);
  if (index >= 0) toasts.splice(index, 1);
}
