// Issue 9, finding 2: no demo data (and its published password) in production unless asked for.
import { describe, it, expect } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { demoDataAllowed } from '../../server/demo/policy.ts';

const allowed = (env: Record<string, string>) => demoDataAllowed(loadConfig({ JWT_SECRET: 'x'.repeat(32), ...env }));

describe('demoDataAllowed', () => {
  it('refuses demo data in production unless DEMO=1 is explicit', () => {
    expect(allowed({ NODE_ENV: 'production' })).toBe(false);
    expect(allowed({ NODE_ENV: 'production', DEMO: '' })).toBe(false);
    expect(allowed({ NODE_ENV: 'production', DEMO: '0' })).toBe(false);
    expect(allowed({ NODE_ENV: 'production', DEMO: 'false' })).toBe(false);
    expect(allowed({ NODE_ENV: 'production', DEMO: '1' })).toBe(true);
    expect(allowed({ NODE_ENV: 'production', DEMO: 'true' })).toBe(true);
  });

  it('keeps the newcomer path: `npm start` without NODE_ENV has demo data unless DEMO=0', () => {
    expect(allowed({})).toBe(true);
    expect(allowed({ NODE_ENV: 'development' })).toBe(true);
    expect(allowed({ DEMO: '0' })).toBe(false);
    expect(allowed({ NODE_ENV: 'test', DEMO: '0' })).toBe(false);
  });
});
