// What staff add to a call in Ringover (tags, a comment), as the call API shows them, and the few
// words the call screens use for them (kept here, beside the only components that show them).
import type { CallSummary } from '#lib/api.ts';

export type RingoverNotes = Pick<CallSummary, 'tags' | 'comments'>;

const WORDS = {
  fr: {
    tag: 'Étiquette Ringover',
    tags: 'Étiquettes',
    comment: 'Commentaire Ringover',
    filterBy: 'Voir les appels étiquetés « {tag} »',
  },
  en: { tag: 'Ringover tag', tags: 'Tags', comment: 'Ringover comment', filterBy: 'Show calls tagged “{tag}”' },
} as const;

export function words(locale: string): (typeof WORDS)[keyof typeof WORDS] {
  return locale === 'en' ? WORDS.en : WORDS.fr;
}

/** The call list filtered by one tag. */
export const tagHref = (tag: string) => `/calls?${new URLSearchParams({ tag })}`;
