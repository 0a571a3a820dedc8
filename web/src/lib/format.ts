// Display helpers shared by the pages. Dates use the regional locale (fr-BE, en-GB), never US forms.
import { regionalLocale } from './i18n/message.ts';

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '–';
  return new Intl.DateTimeFormat(regionalLocale(locale), { dateStyle: 'short', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/** Colour band of a sentiment score in -1..1. */
export function sentimentTone(
  score: number | null | undefined,
  label?: string | null,
): 'positive' | 'neutral' | 'negative' | 'unknown' {
  if (label === 'positive' || label === 'neutral' || label === 'negative') return label;
  if (score === null || score === undefined || !Number.isFinite(score)) return 'unknown';
  if (score > 0.25) return 'positive';
  if (score < -0.25) return 'negative';
  return 'neutral';
}

export function startOfToday(): string {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}
