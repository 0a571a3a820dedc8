// Query and body validation for the custody endpoints: a 422 naming each invalid field.
import type { z } from 'zod';
import { HttpError } from '../http/errors.ts';

export function parseOr422<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(
      422,
      'invalid_request',
      'Some parameters are invalid.',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data;
}
