// How a zod failure is told to whoever sent the input: one `{path, message}` per problem, the path
// in dotted form (`data.call_id`). The 422 answers' `details`, the webhook's field errors and the
// start-up's "Invalid configuration" line all come from here, so they name fields the same way.
import type { z } from 'zod';

export type FieldIssue = { path: string; message: string };

/** Each issue with its dotted path; `prefix` places them under an enclosing field (e.g. `data`). */
export function fieldIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}

/** The same issues on one line (`PORT: Too big; HOST: Required`), for logs and start-up errors. */
export function describeIssues(error: z.ZodError): string {
  return fieldIssues(error)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
}
