import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWwwAuthenticate, pickChallenge } from '../../server/src/registry/wwwAuthenticate';

test('Docker Hub challenge with a scope', () => {
  assert.deepEqual(
    parseWwwAuthenticate(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
    ),
    [
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull',
        },
      },
    ],
  );
});

test('commas and colons inside a quoted scope stay in the value', () => {
  const [challenge] = parseWwwAuthenticate(
    'Bearer realm="https://r.example/token",scope="repository:a/b:pull,push repository:c:5000/d:pull",service="r"',
  );
  assert.equal(challenge.params.scope, 'repository:a/b:pull,push repository:c:5000/d:pull');
  assert.equal(challenge.params.service, 'r');
});

test('unquoted values and lower-case scheme names (gcr.io style)', () => {
  assert.deepEqual(parseWwwAuthenticate('bearer realm="https://gcr.io/v2/token",service=gcr.io'), [
    { scheme: 'bearer', params: { realm: 'https://gcr.io/v2/token', service: 'gcr.io' } },
  ]);
});

test('several challenges in one header (Forgejo, Quay): Bearer is the one answered', () => {
  const challenges = parseWwwAuthenticate(
    'Basic realm="quay.io", Bearer realm="https://quay.io/v2/auth",service="quay.io",scope="*",Basic realm="https://codeberg.org/v2"',
  );
  assert.deepEqual(
    challenges.map((c) => c.scheme),
    ['basic', 'bearer', 'basic'],
  );
  assert.deepEqual(challenges[1].params, { realm: 'https://quay.io/v2/auth', service: 'quay.io', scope: '*' });
  assert.equal(pickChallenge(challenges)?.scheme, 'bearer');
});

test('escaped quotes, spaces around =, error parameters', () => {
  const [c] = parseWwwAuthenticate(
    'Bearer realm = "https://x.example/t?a=1", error="insufficient_scope", note="say \\"hi\\""',
  );
  assert.equal(c.params.realm, 'https://x.example/t?a=1');
  assert.equal(c.params.error, 'insufficient_scope');
  assert.equal(c.params.note, 'say "hi"');
});

test('ECR basic challenge, token68, empty and garbage input', () => {
  assert.deepEqual(
    parseWwwAuthenticate('Basic realm="https://1.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"')[0]
      .params,
    {
      realm: 'https://1.dkr.ecr.us-east-1.amazonaws.com/',
      service: 'ecr.amazonaws.com',
    },
  );
  assert.equal(parseWwwAuthenticate('Negotiate dXNlcg==')[0].token68, 'dXNlcg==');
  assert.deepEqual(parseWwwAuthenticate(''), []);
  assert.deepEqual(parseWwwAuthenticate(undefined), []);
  assert.doesNotThrow(() => parseWwwAuthenticate('"=,=,,"" ;;; Bearer realm="unterminated'));
  assert.equal(parseWwwAuthenticate('Bearer realm="unterminated')[0].params.realm, 'unterminated');
  assert.equal(pickChallenge(parseWwwAuthenticate('Negotiate abc')), undefined);
});
