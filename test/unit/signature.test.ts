import { describe, it, expect } from 'vitest';
import { createHmac } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import {
  signHmac,
  signJwt,
  signRingoverJwt,
  verifyRingoverSignature,
  type SignatureHeaders,
} from '../../server/webhooks/signature.ts';

const secret = 'tenant-secret-0123456789abcdef';
const previous = 'previous-secret-0123456789abcdef';
const wrong = 'wrong-secret-0123456789abcdef';
const body = Buffer.from('{"resource":"call","event":"ringing","data":{"call_id":"1"}}');
const key = (s: string) => new TextEncoder().encode(s);
const verify = (headers: SignatureHeaders, secrets = [secret], raw = body) =>
  verifyRingoverSignature(headers, raw, secrets);

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
    expect(await verify({ hmac: signHmac(secret, body) }, [secret], Buffer.from(`${body} `))).toEqual({
      ok: false,
      reason: 'invalid',
    });
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
    expect(await verify({ hmac: signHmac(previous, body) }, [secret, previous])).toEqual({
      ok: true,
      scheme: 'hmac',
      secretIndex: 1,
    });
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
    expect(await verify({ jwt: await signJwt(secret, { call_id: '1' }, { expiresInSeconds: 60 }) })).toMatchObject({
      ok: true,
      scheme: 'jwt',
    });
    expect(await verify({ jwt: await signJwt(secret, {}, { expiresInSeconds: -10 }) })).toMatchObject({
      ok: true,
      scheme: 'jwt',
    });
  });

  it('accepts a token sent as "Bearer <token>"', async () => {
    expect(await verify({ jwt: `Bearer ${await signJwt(secret)}` })).toMatchObject({ ok: true, scheme: 'jwt' });
  });

  it('accepts a token signed with the previous secret during a rotation and reports secretIndex 1', async () => {
    expect(await verify({ jwt: await signJwt(previous) }, [secret, previous])).toEqual({
      ok: true,
      scheme: 'jwt',
      secretIndex: 1,
    });
  });

  it('rejects an expired token as expired', async () => {
    expect(await verify({ jwt: await signJwt(secret, {}, { expiresInSeconds: -3600 }) })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('rejects an expired token signed with the previous secret as expired, not invalid', async () => {
    expect(await verify({ jwt: await signJwt(previous, {}, { expiresInSeconds: -3600 }) }, [secret, previous])).toEqual(
      { ok: false, reason: 'expired' },
    );
  });

  it('rejects a token signed with another secret as invalid', async () => {
    expect(await verify({ jwt: await signJwt(wrong) })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects an unsigned alg "none" token', async () => {
    const none = new UnsecuredJWT({ sub: 'ringover' }).encode();
    expect(await verify({ jwt: none })).toEqual({ ok: false, reason: 'malformed' });
    // The same, hand-made, with a signature part that is not empty.
    const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
    expect(await verify({ jwt: `${header}.${Buffer.from('{}').toString('base64url')}.c2ln` })).toEqual({
      ok: false,
      reason: 'malformed',
    });
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

describe("Ringover's token: {url, payload} must be the body", () => {
  const real =
    '{"resource":"call","event":"hangup","attempt":1,"data":{"call_id":7534779999276888538,"channel_id":16390226718014117149,"duration_in_seconds":160}}';
  const raw = Buffer.from(real);
  const url = 'https://ringside.example/api/v1/webhooks/ringover/cabinet';

  it('accepts a token whose payload is the body, 64-bit ids and all', async () => {
    expect(await verify({ jwt: signRingoverJwt(secret, url, real) }, [secret], raw)).toEqual({
      ok: true,
      scheme: 'jwt',
      secretIndex: 0,
    });
  });

  it('accepts the same body re-serialized (key order, spacing) and a url a proxy rewrote', async () => {
    const reordered =
      '{ "data": {"duration_in_seconds":160, "channel_id":16390226718014117149, "call_id":7534779999276888538}, "attempt":1, "event":"hangup", "resource":"call" }';
    expect(
      await verify({ jwt: signRingoverJwt(secret, 'http://10.0.0.5/x', real) }, [secret], Buffer.from(reordered)),
    ).toMatchObject({ ok: true });
  });

  it('refuses a captured token on another body, even one differing only in the last digit of a 64-bit id (which JSON.parse cannot see)', async () => {
    const token = signRingoverJwt(secret, url, real);
    const forged = real.replace('7534779999276888538', '7534779999276888539');
    expect(JSON.parse(forged)).toEqual(JSON.parse(real)); // what a lossy comparison would conclude
    expect(await verify({ jwt: token }, [secret], Buffer.from(forged))).toEqual({
      ok: false,
      reason: 'payload_mismatch',
    });
    expect(await verify({ jwt: token }, [secret], Buffer.from(real.replace('"hangup"', '"missed"')))).toEqual({
      ok: false,
      reason: 'payload_mismatch',
    });
    expect(await verify({ jwt: token }, [secret], Buffer.from('not json'))).toEqual({
      ok: false,
      reason: 'payload_mismatch',
    });
  });

  it('does not take a number and a string for the same value', async () => {
    const stringIds = real.replace('7534779999276888538', '"7534779999276888538"');
    expect(await verify({ jwt: signRingoverJwt(secret, url, real) }, [secret], Buffer.from(stringIds))).toEqual({
      ok: false,
      reason: 'payload_mismatch',
    });
  });

  it('accepts the token in Authorization: Bearer, alone or beside the same token in X-Ringover-Webhook-Signature', async () => {
    const token = signRingoverJwt(secret, url, real);
    expect(await verify({ authorization: `Bearer ${token}` }, [secret], raw)).toMatchObject({
      ok: true,
      scheme: 'jwt',
    });
    expect(await verify({ authorization: `Bearer ${token}`, jwt: token }, [secret], raw)).toMatchObject({
      ok: true,
      scheme: 'jwt',
    });
  });

  it('requires every token sent to verify, and ignores an Authorization that is not Bearer', async () => {
    const token = signRingoverJwt(secret, url, real);
    expect(
      await verify({ authorization: `Bearer ${signRingoverJwt(wrong, url, real)}`, jwt: token }, [secret], raw),
    ).toEqual({ ok: false, reason: 'invalid' });
    expect(await verify({ authorization: 'Basic dXNlcjpwYXNz' }, [secret], raw)).toEqual({
      ok: false,
      reason: 'missing',
    });
  });
});

describe('both headers', () => {
  it('accepts when both verify, reporting the HMAC', async () => {
    expect(await verify({ hmac: signHmac(secret, body), jwt: await signJwt(secret) })).toEqual({
      ok: true,
      scheme: 'hmac',
      secretIndex: 0,
    });
  });

  it('does not let a valid JWT rescue a wrong HMAC', async () => {
    expect(await verify({ hmac: signHmac(wrong, body), jwt: await signJwt(secret) })).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('does not let a valid HMAC rescue a wrong or expired JWT', async () => {
    expect(await verify({ hmac: signHmac(secret, body), jwt: await signJwt(wrong) })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(
      await verify({ hmac: signHmac(secret, body), jwt: await signJwt(secret, {}, { expiresInSeconds: -3600 }) }),
    ).toEqual({ ok: false, reason: 'expired' });
  });
});

describe('signing helpers', () => {
  it('signHmac gives the 64-digit hex HMAC-SHA256, the same for a string and a Buffer', () => {
    expect(signHmac(secret, body)).toMatch(/^[0-9a-f]{64}$/);
    expect(signHmac(secret, body.toString())).toBe(signHmac(secret, body));
  });

  it('signJwt signs HS512 and carries the claims and exp it was given', async () => {
    const token = await signJwt(secret, { call_id: '42' }, { expiresInSeconds: 60 });
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'HS512' });
    expect(payload).toMatchObject({ call_id: '42' });
    expect(payload.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(50);
  });
});
