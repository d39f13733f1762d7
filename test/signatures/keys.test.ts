import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeBase64,
  dssePae,
  findVerifyingKey,
  parsePublicKeys,
  verifiesWith,
} from '../../server/src/signatures/keys';
import { simpleSigningDigest } from '../../server/src/signatures/verify';
import { corrupt, generateTestKey, pae, signWith, simpleSigningPayload, type KeyType } from '../support/cosign';

const TYPES: KeyType[] = ['ecdsa-p256', 'ecdsa-p384', 'rsa', 'ed25519'];

for (const type of TYPES) {
  test(`${type}: a signature verifies with its key, not when corrupted, not with another key`, () => {
    const key = generateTestKey(type);
    const other = generateTestKey(type);
    const data = Buffer.from('payload bytes');
    const signature = signWith(key, data);
    const [pub] = parsePublicKeys([key.publicKeyPem]).keys;
    const [otherPub] = parsePublicKeys([other.publicKeyPem]).keys;
    assert.equal(verifiesWith(pub.key, data, signature), true);
    assert.equal(verifiesWith(pub.key, data, corrupt(signature)), false);
    assert.equal(verifiesWith(pub.key, Buffer.from('payload byteS'), signature), false);
    assert.equal(verifiesWith(otherPub.key, data, signature), false);
  });
}

test('ECDSA signatures in raw r||s form verify too', async () => {
  const { sign } = await import('node:crypto');
  const key = generateTestKey('ecdsa-p256');
  const data = Buffer.from('x');
  const raw = sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  const [pub] = parsePublicKeys([key.publicKeyPem]).keys;
  assert.equal(verifiesWith(pub.key, data, raw), true);
});

test('the key that verifies is reported by its position; bad PEM entries are named', () => {
  const a = generateTestKey();
  const b = generateTestKey('ed25519');
  const parsed = parsePublicKeys(['not a key', a.publicKeyPem, b.publicKeyPem]);
  assert.deepEqual(parsed.problems, ['signature key 1 is not a PEM public key']);
  const data = Buffer.from('d');
  assert.equal(findVerifyingKey(parsed.keys, data, signWith(b, data))?.index, 3);
  assert.equal(findVerifyingKey(parsed.keys, data, Buffer.alloc(64)), undefined);
});

test('a private key in signatureKeys is rejected', () => {
  const key = generateTestKey();
  const privatePem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // createPublicKey would derive the public half; a policy must hold public keys only.
  const parsed = parsePublicKeys([privatePem]);
  assert.equal(parsed.keys.length, 0);
  assert.equal(parsed.problems.length, 1);
});

test('DSSE PAE matches the spec example and the test writer', () => {
  assert.equal(
    dssePae('http://example.com/HelloWorld', Buffer.from('hello world')).toString(),
    'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
  );
  // Lengths are in bytes, not characters.
  assert.equal(dssePae('t', Buffer.from('é')).toString(), 'DSSEv1 1 t 2 é');
  assert.deepEqual(
    dssePae('application/vnd.in-toto+json', Buffer.from('{}')),
    pae('application/vnd.in-toto+json', Buffer.from('{}')),
  );
});

test('base64 decoding is strict', () => {
  assert.deepEqual(decodeBase64('aGk='), Buffer.from('hi'));
  assert.deepEqual(decodeBase64('aGk'), Buffer.from('hi'));
  assert.deepEqual(decodeBase64('-_8='), Buffer.from([0xfb, 0xff]));
  assert.equal(decodeBase64('not base64!'), undefined);
  assert.equal(decodeBase64(''), undefined);
  assert.equal(decodeBase64(42), undefined);
});

test('simple-signing payload digest, in both spellings', () => {
  const digest = 'sha256:' + 'a'.repeat(64);
  assert.equal(simpleSigningDigest(simpleSigningPayload('r/x', digest)), digest);
  assert.equal(simpleSigningDigest(simpleSigningPayload('r/x', digest, true)), digest);
  assert.equal(simpleSigningDigest(Buffer.from('{"critical":{}}')), undefined);
  assert.equal(simpleSigningDigest(Buffer.from('nope')), null);
});
