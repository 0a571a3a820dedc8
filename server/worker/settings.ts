// The worker's own tuning, beside the shared configuration (server/config.ts) and read by its loader.
// Every value has a default that suits production; tests pass smaller ones directly.
import { z } from 'zod';
import { parseSettings } from '../config.ts';

const schema = z.object({
  /** Jobs run at once by one worker process. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** Largest recording downloaded, in bytes (a 2-hour MP3 at 128 kbit/s is ~115 MB). */
  RECORDING_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(200 * 1024 * 1024),
  /** Time allowed for one recording download, headers to last byte. */
  RECORDING_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
  /** The transcription provider's upload limit: larger recordings are split (OpenAI: 25 MB). */
  TRANSCRIBE_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024),
  /** Time allowed for one provider request. */
  AI_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(300_000),
});

export type WorkerSettings = z.infer<typeof schema>;

export function loadWorkerSettings(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  return parseSettings(schema, env);
}
