// One formatter for zod failures and one loader for settings: the server's and the worker's settings
// name a bad value the same way, and a 422's field paths are dotted like the webhook's.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../server/config.ts';
import { loadWorkerSettings } from '../../server/worker/settings.ts';
import { fieldIssues } from '../../server/http/field-issues.ts';

describe('settings loader', () => {
  it('names every bad server setting on one line', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(
      /^Invalid configuration: PORT: .+; LOG_LEVEL: .+$/,
    );
  });

  it('names a bad worker setting in the same form', () => {
    expect(() => loadWorkerSettings({ WORKER_CONCURRENCY: '0' })).toThrow(
      /^Invalid configuration: WORKER_CONCURRENCY: /,
    );
  });

  it('reads npm start’s switches: everything on unless set to 0', () => {
    expect(loadConfig({})).toMatchObject({ RINGSIDE_UI: true, RINGSIDE_WORKER: true });
    expect(loadConfig({ RINGSIDE_UI: '0', RINGSIDE_WORKER: '0' })).toMatchObject({
      RINGSIDE_UI: false,
      RINGSIDE_WORKER: false,
    });
  });

  it('reads defaults when nothing is set', () => {
    expect(loadWorkerSettings({}).WORKER_CONCURRENCY).toBe(2);
    expect(loadConfig({}).PORT).toBe(3000);
  });
});

describe('fieldIssues', () => {
  const schema = z.object({ data: z.object({ call_id: z.string(), tags: z.array(z.string()) }) });

  it('gives each issue its dotted path, under a prefix when asked', () => {
    const result = schema.safeParse({ data: { call_id: 1, tags: ['a', 2] } });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(fieldIssues(result.error).map((i) => i.path)).toEqual(['data.call_id', 'data.tags.1']);
    expect(fieldIssues(result.error, 'body').map((i) => i.path)).toEqual(['body.data.call_id', 'body.data.tags.1']);
  });
});
