// Issue 9, findings 2 and 6: no demo data (and its published password) in production unless asked for;
// no guessable JWT_SECRET in production.
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

describe('JWT_SECRET in production', () => {
  it('must be at least 32 bytes: a short HS256 key can be brute-forced from one token', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) })).toThrow(
      /JWT_SECRET must be at least 32 bytes/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).JWT_SECRET).toHaveLength(32);
    // Outside production the generated secret (.data/secrets.json) is used; a short one stays allowed for tools.
    expect(loadConfig({ NODE_ENV: 'development', JWT_SECRET: 'short' }).JWT_SECRET).toBe('short');
  });
});
