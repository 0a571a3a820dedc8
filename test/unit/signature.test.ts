import { describe, it, expect } from 'vitest';
import { createHmac } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { signHmac, signJwt, verifyRingoverSignature } from '../../server/webhooks/signature.ts';

const secret = 'tenant-secret-0123456789abcdef';
const previous = 'previous-secret-0123456789abcdef';
const wrong = 'wrong-secret-0123456789abcdef';
const body = Buffer.from('{"resource":"call","event":"ringing","data":{"call_id":"1"}}');
const key = (s: string) => new TextEncoder().encode(s);
const verify = (headers: { hmac?: string; jwt?: string }, secrets = [secret], raw = body) => verifyRingoverSignature(headers, raw, secrets);

describe('X-Ringover-Signature (HMAC-SHA256 of the raw body)', () => {
  it('accepts the lower-case hex digest of the body', async () => {
    expect(await verify({ hmac: signHmac(secret, body) })).toEqual({ ok: true, scheme: 'hmac', secretIndex: 0 });
  });

  it('accepts the digest with a sha256= prefix, in upper case, or padded with spaces', async () => {
    const hex = signHmac(secret, body);
    for (const header of [`sha256=${hex}`, hex.toUpperCase(), `SHA256=${hex.toUpperCase()}`, ` ${hex} `]) {
      expect(await verify({ hmac: header })).toEqual({ ok: true, scheme: 'hmac', secretIndex: 0 });
    }
  });

  it('rejects a digest of a tampered body as invalid', async () => {
    expect(await verify({ hmac: signHmac(secret, body) }, [secret], Buffer.from(`${body} `))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects a digest made with another secret as invalid', async () => {
    expect(await verify({ hmac: signHmac(wrong, body) })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects a header that is not 64 hex digits as malformed, without throwing on its length', async () => {
    const hex = signHmac(secret, body);
    for (const header of ['abc', hex.slice(0, 62), `${hex}00`, 'z'.repeat(64), `sha1=${hex}`]) {
      expect(await verify({ hmac: header })).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('says the signature is missing when neither header is sent', async () => {
    expect(await verify({})).toEqual({ ok: false, reason: 'missing' });
    expect(await verify({ hmac: '', jwt: '' })).toEqual({ ok: false, reason: 'missing' });
  });

  it('accepts the previous secret during a rotation and reports secretIndex 1', async () => {
    expect(await verify({ hmac: signHmac(previous, body) }, [secret, previous])).toEqual({ ok: true, scheme: 'hmac', secretIndex: 1 });
  });

  it('never accepts a digest made with an empty secret, even if the tenant has one', async () => {
    expect(await verify({ hmac: signHmac('', body) }, [''])).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects everything when the tenant has no secret', async () => {
    expect(await verify({ hmac: signHmac(secret, body) }, [])).toEqual({ ok: false, reason: 'invalid' });
    expect(await verify({ jwt: await signJwt(secret) }, [])).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('X-Ringover-Webhook-Signature (JWT, HS512)', () => {
  it('accepts a token signed HS512 with the secret, without exp', async () => {
    expect(await verify({ jwt: await signJwt(secret) })).toEqual({ ok: true, scheme: 'jwt', secretIndex: 0 });
  });

  it('accepts a token whose exp is still ahead, or passed by less than the 30 s tolerance', async () => {
    expect(await verify({ jwt: await signJwt(secret, { call_id: '1' }, { expiresInSeconds: 60 }) })).toMatchObject({ ok: true, scheme: 'jwt' });
    expect(await verify({ jwt: await signJwt(secret, {}, { expiresInSeconds: -10 }) })).toMatchObject({ ok: true, scheme: 'jwt' });
  });

  it('accepts a token sent as "Bearer <token>"', async () => {
    expect(await verify({ jwt: `Bearer ${await signJwt(secret)}` })).toMatchObject({ ok: true, scheme: 'jwt' });
  });

  it('accepts a token signed with the previous secret during a rotation and reports secretIndex 1', async () => {
    expect(await verify({ jwt: await signJwt(previous) }, [secret, previous])).toEqual({ ok: true, scheme: 'jwt', secretIndex: 1 });
  });

  it('rejects an expired token as expired', async () => {
    expect(await verify({ jwt: await signJwt(secret, {}, { expiresInSeconds: -3600 }) })).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects an expired token signed with the previous secret as expired, not invalid', async () => {
    expect(await verify({ jwt: await signJwt(previous, {}, { expiresInSeconds: -3600 }) }, [secret, previous])).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects a token signed with another secret as invalid', async () => {
    expect(await verify({ jwt: await signJwt(wrong) })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects an unsigned alg "none" token', async () => {
    const none = new UnsecuredJWT({ sub: 'ringover' }).encode();
    expect(await verify({ jwt: none })).toEqual({ ok: false, reason: 'malformed' });
    // The same, hand-made, with a signature part that is not empty.
    const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
    expect(await verify({ jwt: `${header}.${Buffer.from('{}').toString('base64url')}.c2ln` })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects a token signed HS256 with the right secret: the algorithm is pinned to HS512', async () => {
    const hs256 = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(key(secret));
    expect(await verify({ jwt: hs256 })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects something that is not a JWT as malformed', async () => {
    expect(await verify({ jwt: 'not.a.jwt' })).toEqual({ ok: false, reason: 'malformed' });
    expect(await verify({ jwt: 'garbage' })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('never accepts a token signed with an empty secret (and does not throw on one)', async () => {
    // jose refuses zero-length keys, so the token is made by hand.
    const unsigned = `${Buffer.from('{"alg":"HS512"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}`;
    const token = `${unsigned}.${createHmac('sha512', '').update(unsigned).digest('base64url')}`;
    expect(await verify({ jwt: token }, [''])).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('both headers', () => {
  it('accepts when both verify, reporting the HMAC', async () => {
    expect(await verify({ hmac: signHmac(secret, body), jwt: await signJwt(secret) })).toEqual({ ok: true, scheme: 'hmac', secretIndex: 0 });
  });

  it('does not let a valid JWT rescue a wrong HMAC', async () => {
    expect(await verify({ hmac: signHmac(wrong, body), jwt: await signJwt(secret) })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('does not let a valid HMAC rescue a wrong or expired JWT', async () => {
    expect(await verify({ hmac: signHmac(secret, body), jwt: await signJwt(wrong) })).toEqual({ ok: false, reason: 'invalid' });
    expect(await verify({ hmac: signHmac(secret, body), jwt: await signJwt(secret, {}, { expiresInSeconds: -3600 }) })).toEqual({ ok: false, reason: 'expired' });
  });
});

describe('signing helpers', () => {
  it('signHmac gives the 64-digit hex HMAC-SHA256, the same for a string and a Buffer', () => {
    expect(signHmac(secret, body)).toMatch(/^[0-9a-f]{64}$/);
    expect(signHmac(secret, body.toString())).toBe(signHmac(secret, body));
  });

  it('signJwt signs HS512 and carries the claims and exp it was given', async () => {
    const token = await signJwt(secret, { call_id: '42' }, { expiresInSeconds: 60 });
    const [header, payload] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'HS512' });
    expect(payload).toMatchObject({ call_id: '42' });
    expect(payload.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(50);
  });
});
