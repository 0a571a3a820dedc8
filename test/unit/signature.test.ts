import { describe, it, expect } from 'vitest';
import { SignJWT } from 'jose';
import { signHmac, signJwt, verifyRingoverSignature } from '../../server/webhooks/signature.ts';

const secret = 'tenant-secret-0123456789abcdef';
const previous = 'previous-secret-0123456789abcdef';
const body = Buffer.from('{"resource":"call","event":"ringing","data":{"call_id":"1"}}');
const key = (s: string) => new TextEncoder().encode(s);

describe('X-Ringover-Signature (HMAC-SHA256 of the raw body)', () => {
  it('accepts the hex digest, with or without sha256=, in either case', async () => {
    const hex = signHmac(secret, body);
    for (const header of [hex, `sha256=${hex}`, hex.toUpperCase(), ` ${hex} `]) {
      expect(await verifyRingoverSignature({ hmac: header }, body, [secret])).toEqual({ ok: true, scheme: 'hmac', secretIndex: 0 });
    }
  });

  it('rejects a tampered body, a wrong secret and a malformed digest', async () => {
    expect(await verifyRingoverSignature({ hmac: signHmac(secret, body) }, Buffer.from(`${body} `), [secret])).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyRingoverSignature({ hmac: signHmac('another-secret-000000', body) }, body, [secret])).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyRingoverSignature({ hmac: 'abc' }, body, [secret])).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifyRingoverSignature({ hmac: 'z'.repeat(64) }, body, [secret])).toEqual({ ok: false, reason: 'malformed' });
  });

  it('says when there is no signature at all', async () => {
    expect(await verifyRingoverSignature({}, body, [secret])).toEqual({ ok: false, reason: 'missing' });
  });

  it('accepts the previous secret during a rotation, saying which one matched', async () => {
    expect(await verifyRingoverSignature({ hmac: signHmac(previous, body) }, body, [secret, previous])).toEqual({ ok: true, scheme: 'hmac', secretIndex: 1 });
  });
});

describe('X-Ringover-Webhook-Signature (JWT, HS512)', () => {
  it('accepts a token signed HS512 with the secret, with or without exp', async () => {
    expect(await verifyRingoverSignature({ jwt: await signJwt(secret) }, body, [secret])).toMatchObject({ ok: true, scheme: 'jwt' });
    expect(await verifyRingoverSignature({ jwt: await signJwt(secret, {}, { expiresInSeconds: 60 }) }, body, [secret])).toMatchObject({ ok: true });
    expect(await verifyRingoverSignature({ jwt: await signJwt(previous) }, body, [secret, previous])).toEqual({ ok: true, scheme: 'jwt', secretIndex: 1 });
  });

  it('rejects alg none, HS256, an expired token and a wrong secret', async () => {
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    expect(await verifyRingoverSignature({ jwt: none }, body, [secret])).toEqual({ ok: false, reason: 'malformed' });
    const hs256 = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(key(secret));
    expect(await verifyRingoverSignature({ jwt: hs256 }, body, [secret])).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifyRingoverSignature({ jwt: await signJwt(secret, {}, { expiresInSeconds: -3600 }) }, body, [secret])).toEqual({ ok: false, reason: 'expired' });
    expect(await verifyRingoverSignature({ jwt: await signJwt('wrong-secret-0000000000') }, body, [secret])).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyRingoverSignature({ jwt: 'not.a.jwt' }, body, [secret])).toMatchObject({ ok: false });
  });

  it('needs both to verify when both headers are sent', async () => {
    const jwt = await signJwt(secret);
    expect(await verifyRingoverSignature({ jwt, hmac: signHmac('wrong-secret-0000000000', body) }, body, [secret])).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyRingoverSignature({ jwt, hmac: signHmac(secret, body) }, body, [secret])).toMatchObject({ ok: true, scheme: 'hmac' });
  });
});
