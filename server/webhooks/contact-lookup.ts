// Ringover's Contact Call: while the phone rings, it posts {resource:"call", event:"contact",
// data:{call_id, direction, from_number, to_number}} and shows the answer's firstname, lastname and
// company to the person answering, with a link (url). The external party is from_number inbound,
// to_number outbound. One SQL call, nothing written (not even the inbox): Ringover waits on it.
import type { Response } from 'express';
import type pg from 'pg';
import type { CountryCode } from 'libphonenumber-js';
import { normalizePhone } from '../phone/normalize.ts';
import type { ParsedDelivery } from './delivery.ts';
import type { WebhookTenant } from './tenants.ts';

type ContactQuestion = Extract<ParsedDelivery, { kind: 'contact' }>;

interface Match {
  contact_id: string;
  first_name: string | null;
  last_name: string | null;
  display_name: string;
  company: string | null;
  case_id: string | null;
  case_reference: string | null;
  case_title: string | null;
  candidates: number;
  language: string;
}

/** The answer in Ringover's shape, or null for a number no contact has. */
export async function lookUpContact(
  pool: pg.Pool,
  tenant: WebhookTenant,
  question: ContactQuestion,
  publicUrl: string,
): Promise<Record<string, unknown> | null> {
  const raw = question.direction === 'outbound' ? question.to_number_raw : question.from_number_raw;
  const phone = normalizePhone(raw, tenant.region as CountryCode);
  if (phone.kind !== 'e164') return null;
  const { rows } = await pool.query<Match>('select * from app_hidden.ringover_contact_lookup($1, $2)', [
    tenant.id,
    phone.e164,
  ]);
  const m = rows[0];
  if (!m) return null;
  const caseWord =
    m.language === 'en' ? 'Case' : m.language === 'nl' ? 'Dossier' : m.language === 'de' ? 'Akte' : 'Dossier';
  const activeCase = m.case_reference
    ? [`${caseWord} ${m.case_reference}`, m.case_title].filter(Boolean).join(' · ')
    : null;
  const base = publicUrl.replace(/\/+$/, '');
  return {
    uuid: m.contact_id,
    // Ringover shows firstname + lastname: a company-only contact shows its display name.
    firstname: m.first_name ?? (m.last_name ? '' : m.display_name),
    lastname: m.last_name ?? '',
    company: activeCase ?? m.company ?? '',
    url: m.case_id ? `${base}/cases/${m.case_id}` : `${base}/contacts?q=${encodeURIComponent(m.display_name)}`,
    data: {
      ...(m.case_reference ? { dossier: m.case_reference } : {}),
      ...(m.candidates > 1 ? { contact_match: 'ambiguous', candidates: m.candidates } : {}),
    },
    is_shared: true,
  };
}

export function answerContact(res: Response, answer: Record<string, unknown> | null): void {
  if (answer) res.status(200).json(answer);
  else res.status(404).json({});
}
