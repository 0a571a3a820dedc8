// What the GraphQL API exposes beyond what PostGraphile derives from app_public, and what it hides.
//
// Hidden (smart tags, below): interaction_events.metadata, which holds Ringover's recording and
// voicemail URLs (`details` and `hasRecording` replace it: computed columns in SQL, through the same
// allow-list of keys as the REST API — app_hidden.call_details), tenant administration and users'
// writes, and the generic create/update of contacts: a contact's phone number must be normalized with the tenant's
// region by server/phone/normalize.ts (libphonenumber), which SQL cannot do, so contacts are written
// only through `createContact` / `updateContact` below. Secrets, the delivery inbox and live events
// are in app_private, a schema GraphQL never sees (and ringside_staff has no usage on).
//
// Everything runs with the request's pgSettings (role ringside_staff, its tenant and user), so
// row-level security decides what each statement may see or touch, here as in generated fields.
import { extendSchema, jsonPgSmartTags } from 'postgraphile/utils';
import { access, context, each, list, lambda, object, SafeError, type Step } from 'postgraphile/grafast';
import { sideEffectWithPgClientTransaction, withPgClient } from 'postgraphile/@dataplan/pg';
import { normalizePhone, phoneSearchKey, type CountryCode } from '../phone/normalize.ts';

export const smartTags = jsonPgSmartTags({
  version: 1,
  config: {
    class: {
      'app_public.tenants': { tags: { behavior: ['-insert', '-update', '-delete'] } },
      'app_public.users': { tags: { behavior: ['-insert', '-update', '-delete'] } },
      'app_public.contacts': { tags: { behavior: ['-insert', '-update'] } },
      'app_public.interaction_events': {
        tags: { behavior: ['-insert', '-delete'] },
        attribute: {
          // Holds Ringover's recording and voicemail URLs, which must never reach a browser: see `details`.
          metadata: { tags: { behavior: ['-*'] } },
        },
      },
    },
    // The child tables reference their parents through (tenant_id, id); name the relations after the
    // parent, not after both columns. Their indexes are partial (where case_id is not null...), which
    // PostGraphile does not count, so the lists from parent to children are enabled explicitly.
    constraint: {
      interaction_events_tenant_id_case_id_fkey: {
        tags: { fieldName: 'case', foreignFieldName: 'interactionEvents', behavior: ['+connection'] },
      },
      interaction_events_tenant_id_contact_id_fkey: {
        tags: { fieldName: 'contact', foreignFieldName: 'interactionEvents', behavior: ['+connection'] },
      },
      interaction_events_tenant_id_created_by_fkey: {
        tags: { fieldName: 'author', foreignFieldName: 'authoredInteractionEvents', behavior: ['+connection'] },
      },
      case_contacts_tenant_id_case_id_fkey: {
        tags: { fieldName: 'case', foreignFieldName: 'caseContacts', behavior: ['+connection'] },
      },
      case_contacts_tenant_id_contact_id_fkey: {
        tags: { fieldName: 'contact', foreignFieldName: 'caseContacts', behavior: ['+connection'] },
      },
      tasks_tenant_id_case_id_fkey: {
        tags: { fieldName: 'case', foreignFieldName: 'tasks', behavior: ['+connection'] },
      },
      tasks_tenant_id_interaction_event_id_fkey: {
        tags: { fieldName: 'interactionEvent', foreignFieldName: 'tasks', behavior: ['+connection'] },
      },
      tasks_tenant_id_created_by_fkey: {
        tags: { fieldName: 'author', foreignFieldName: 'authoredTasks', behavior: ['+connection'] },
      },
    },
  },
});

interface ContactDraft {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  email?: string | null;
  phone?: string | null;
}

const FIELDS: Array<[keyof ContactDraft, string]> = [
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['company', 'company'],
  ['email', 'email'],
];

/** A phone number as typed by staff → E.164, null to clear, or a GraphQL error naming the problem. */
function phoneForWrite(raw: string | null | undefined, region: CountryCode): string | null {
  const result = normalizePhone(raw ?? null, region);
  if (result.kind === 'e164') return result.e164;
  if (result.kind === 'empty') return null;
  throw new SafeError(`"${raw}" is not a valid phone number (region ${region}).`, {
    code: 'INVALID_PHONE_NUMBER',
    field: 'phone',
  });
}

function blankToNull(value: string | null | undefined): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Turns PostgreSQL's refusals of a contact write into errors a user can act on. */
function contactWriteError(error: unknown): never {
  const e = error as { code?: string; constraint?: string };
  if (e.code === '23514') {
    if (e.constraint?.includes('email'))
      throw new SafeError('The email address is not valid.', { code: 'INVALID_EMAIL', field: 'email' });
    throw new SafeError('A contact needs a first name, a last name or a company.', { code: 'CONTACT_NAME_REQUIRED' });
  }
  throw error as Error;
}

export const RingsideSchemaPlugin = extendSchema((build) => {
  const { contacts, users, tenants } = build.pgResources;
  if (!contacts || !users || !tenants) throw new Error('app_public.contacts is missing from the GraphQL registry');
  const executor = contacts.executor;

  const $region = (): Step<CountryCode> => context().get('ringsideRegion' as never) as unknown as Step<CountryCode>;

  return {
    typeDefs: /* GraphQL */ `
      """
      A contact as staff write it: the phone number in any usual form, normalized with the firm's region.
      """
      input ContactDraft {
        firstName: String
        lastName: String
        company: String
        email: String
        """
        Any usual writing (+32 470 12 34 56, 0470/12.34.56, 0032470123456); stored in E.164. Empty clears it.
        """
        phone: String
      }

      type ContactWritePayload {
        contact: Contact
      }

      extend type Mutation {
        """
        Creates a contact; an invalid phone number is refused (code INVALID_PHONE_NUMBER).
        """
        createContact(contact: ContactDraft!): ContactWritePayload
        """
        Changes the given fields of a contact (absent = unchanged, null = cleared); the phone is normalized.
        """
        updateContact(rowId: UUID!, patch: ContactDraft!): ContactWritePayload
      }

      extend type Query {
        """
        The staff member the token belongs to.
        """
        currentUser: User
        """
        The firm the token belongs to.
        """
        currentTenant: Tenant
        """
        Contacts matching every word of the text in their name, company or e-mail (accents and case ignored), or whose number is the number written in any form, or contains the digits typed ("0470", "+32 470").
        """
        searchContacts(query: String!, first: Int = 50): [Contact!]!
      }
    `,
    objects: {
      Mutation: {
        plans: {
          createContact(_, fieldArgs) {
            const $draft = fieldArgs.getRaw('contact') as Step<ContactDraft>;
            const $id = sideEffectWithPgClientTransaction(
              executor,
              list([$draft, $region()]),
              async (client, [draft, region]) => {
                const values = FIELDS.map(([key]) => blankToNull(draft[key]));
                const phone = phoneForWrite(draft.phone, region);
                try {
                  const { rows } = await client.query<{ id: string }>({
                    text: `insert into app_public.contacts (first_name, last_name, company, email, phone_e164)
                         values ($1, $2, $3, $4, $5) returning id`,
                    values: [...values, phone],
                  });
                  return rows[0]!.id;
                } catch (error) {
                  return contactWriteError(error);
                }
              },
            );
            return object({ id: $id });
          },
          updateContact(_, fieldArgs) {
            const $rowId = fieldArgs.getRaw('rowId') as Step<string>;
            const $patch = fieldArgs.getRaw('patch') as Step<ContactDraft>;
            const $id = sideEffectWithPgClientTransaction(
              executor,
              list([$rowId, $patch, $region()]),
              async (client, [rowId, patch, region]) => {
                // One statement whatever the patch: each column is either kept or set, by a flag.
                const set = (key: keyof ContactDraft) => Object.hasOwn(patch, key);
                const values = FIELDS.map(([key]) => blankToNull(patch[key]));
                const phone = set('phone') ? phoneForWrite(patch.phone, region) : null;
                try {
                  const { rows } = await client.query<{ id: string }>({
                    text: `update app_public.contacts set
                           first_name = case when $2 then $3 else first_name end,
                           last_name  = case when $4 then $5 else last_name end,
                           company    = case when $6 then $7 else company end,
                           email      = case when $8 then $9::citext else email end,
                           phone_e164 = case when $10 then $11 else phone_e164 end
                         where id = $1 returning id`,
                    values: [
                      rowId,
                      set('firstName'),
                      values[0],
                      set('lastName'),
                      values[1],
                      set('company'),
                      values[2],
                      set('email'),
                      values[3],
                      set('phone'),
                      phone,
                    ],
                  });
                  if (!rows[0]) throw new SafeError('No such contact.', { code: 'NOT_FOUND' });
                  return rows[0].id;
                } catch (error) {
                  if (error instanceof SafeError) throw error;
                  return contactWriteError(error);
                }
              },
            );
            return object({ id: $id });
          },
        },
      },
      ContactWritePayload: {
        plans: {
          contact($payload: Step) {
            return contacts.get({ id: access($payload, 'id') });
          },
        },
      },
      Query: {
        plans: {
          currentUser() {
            return users.get({ id: context().get('ringsideUserId' as never) as unknown as Step<string> });
          },
          currentTenant() {
            return tenants.get({ id: context().get('ringsideTenantId' as never) as unknown as Step<string> });
          },
          searchContacts(_, fieldArgs) {
            const $query = fieldArgs.getRaw('query') as Step<string>;
            const $first = fieldArgs.getRaw('first') as Step<number | null>;
            const $phone = lambda([$query, $region()], ([query, region]) => phoneSearchKey(query, region));
            const $ids = withPgClient(
              executor,
              list([$query, $phone, $first]),
              async (client, [query, phone, first]) => {
                const text = query.trim();
                if (text === '') return [];
                const { rows } = await client.query<{ id: string }>({
                  // Words in any order, accents and case ignored, whole or partial numbers (000038).
                  text: 'select id from app_hidden.search_contacts($1, $2, $3) as id',
                  values: [text, phone, Math.min(Math.max(first ?? 50, 1), 200)],
                });
                return rows.map((r) => r.id);
              },
            );
            return each($ids, ($id) => contacts.get({ id: $id }));
          },
        },
      },
    },
  };
});
