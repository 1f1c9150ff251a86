import { createHmac, createSecretKey } from 'node:crypto';
import { Role } from '@parley/api/core';
import { decodeJwsPayload, signHs256, verifyHs256 } from './jws-hs256';
import { TokenService } from './token.service';

const secret = new Uint8Array(32).fill(3);
const key = createSecretKey(Buffer.from(secret));
const expected = { issuer: 'parley', audience: 'parley-api', requiredClaims: ['sub', 'exp', 'iat'] };
const now = Math.floor(Date.now() / 1000);
const claims = { sub: 'u1', iss: 'parley', aud: 'parley-api', iat: now, exp: now + 60 };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A token signed with the key whatever its header says (what an attacker who knew nothing but the format would try). */
const signedAs = (header: Record<string, unknown>, payload: unknown, hash = 'sha256') => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
};

describe('compact JWS HS256', () => {
  it('verifies what it signs, and jose agrees both ways', async () => {
    const token = signHs256(claims, key, { typ: 'JWT' });
    expect(verifyHs256(token, key, expected)).toEqual(claims);
    const { jwtVerify, SignJWT } = await import('jose');
    const options = { algorithms: ['HS256'], issuer: 'parley', audience: 'parley-api', requiredClaims: ['sub', 'exp', 'iat'] };
    expect((await jwtVerify(token, key, options)).payload).toEqual(claims);
    const byJose = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setIssuer('parley').setAudience(['other', 'parley-api']).setIssuedAt(now).setExpirationTime(now + 60).sign(key);
    expect(verifyHs256(byJose, key, expected)).toMatchObject({ sub: 'u1' });
  });

  it('refuses a tampered payload or signature, another key and malformed tokens', () => {
    const token = signHs256(claims, key);
    const [header, payload, signature] = token.split('.');
    const others = [
      `${header}.${b64({ ...claims, sub: 'u2' })}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -2)}`,
      `${header}.${payload}.${signature}AA`,
      `${header}.${payload}.${signature}!`,
      `${header}.${payload}.`,
      `${header}.${payload}`,
      `${token}.x`,
      signHs256(claims, createSecretKey(Buffer.alloc(32, 4))),
      signedAs({ alg: 'HS256' }, 'a string'),
      signedAs({ alg: 'HS256' }, [claims]),
      `${Buffer.from('{not json').toString('base64url')}.${payload}.${signature}`,
    ];
    for (const other of others) expect(verifyHs256(other, key, expected)).toBeNull();
  });

  it('refuses another algorithm, none, and critical extensions', () => {
    expect(verifyHs256(signedAs({ alg: 'HS384' }, claims, 'sha384'), key, expected)).toBeNull();
    expect(verifyHs256(signedAs({ alg: 'HS384' }, claims), key, expected)).toBeNull();
    expect(verifyHs256(`${b64({ alg: 'none' })}.${b64(claims)}.`, key, expected)).toBeNull();
    expect(verifyHs256(signedAs({ alg: 'HS256', crit: ['exp'] }, claims), key, expected)).toBeNull();
    expect(verifyHs256(signedAs({ typ: 'JWT' }, claims), key, expected)).toBeNull();
  });

  it('refuses the wrong issuer or audience, missing claims, expired or not yet valid', () => {
    const refused = [
      { ...claims, iss: 'other' },
      { ...claims, aud: 'parley-visitor-refresh' },
      { ...claims, aud: ['other'] },
      { ...claims, iss: undefined },
      { ...claims, iat: undefined },
      { ...claims, iat: 'now' },
      { ...claims, exp: now },
      { ...claims, exp: now - 1 },
      { ...claims, exp: String(now + 60) },
      { ...claims, nbf: now + 30 },
      { ...claims, nbf: 'soon' },
    ];
    for (const payload of refused) expect(verifyHs256(signHs256(payload, key), key, expected)).toBeNull();
    expect(verifyHs256(signHs256({ ...claims, nbf: now }, key), key, expected)).not.toBeNull();
  });

  it('decodes a payload without checking it', () => {
    expect(decodeJwsPayload(signHs256(claims, key))).toEqual(claims);
    expect(decodeJwsPayload('garbage')).toEqual({});
  });
});

describe('TokenService', () => {
  const tokens = new TokenService(secret, 900);

  it('reads back the viewer of a token it issued; standard claims win over extra ones', async () => {
    const { token } = tokens.issueAccessToken({ id: 'u1', role: Role.CUSTOMER, unstored: true }, 's1', { sub: 'u2', role: Role.ADMIN, pv: { n: 'Ann' } });
    expect(await tokens.verifyAccessToken(token)).toMatchObject({ id: 'u1', role: Role.CUSTOMER, sessionId: 's1', unstored: true });
    expect(decodeJwsPayload(token)).toMatchObject({ pv: { n: 'Ann' }, typ: 'access', aud: 'parley-api' });
  });

  it('refuses a token of another type or without a string subject, even well signed', async () => {
    const base = { iss: 'parley', aud: 'parley-api', iat: now, exp: now + 60, role: Role.CUSTOMER };
    expect(await tokens.verifyAccessToken(signHs256({ ...base, sub: 'u1', typ: 'visitor-refresh' }, key))).toBeNull();
    expect(await tokens.verifyAccessToken(signHs256({ ...base, sub: 5, typ: 'access' }, key))).toBeNull();
    expect(await tokens.verifyAccessToken(signHs256({ ...base, sub: 'u1', typ: 'access' }, key))).toMatchObject({ id: 'u1' });
  });
});
