import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  authorityAllowed,
  isToken,
  methodAllowed,
  methodName,
  methodValue,
  pathAllowed,
  schemeAllowed,
  schemeName,
  schemeValue,
} from './http-request-parts.js';

test('methods: the variant of a spelling and back; unknown methods keep their spelling', () => {
  assert.deepEqual(methodValue('DELETE'), { tag: 'delete' });
  assert.deepEqual(methodValue('options'), { tag: 'options' });
  assert.deepEqual(methodValue('Purge'), { tag: 'other', val: 'Purge' });
  assert.equal(methodName({ tag: 'patch' }), 'PATCH');
  assert.equal(methodName({ tag: 'other', val: 'Purge' }), 'Purge');
  assert.equal(methodName(undefined), 'GET');
  for (const m of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'PURGE'])
    assert.equal(methodName(methodValue(m)), m);
});

test('schemes: the variant of a URL protocol and back; none is https', () => {
  assert.deepEqual(schemeValue('https:'), { tag: 'HTTPS' });
  assert.deepEqual(schemeValue('http:'), { tag: 'HTTP' });
  assert.deepEqual(schemeValue('wss:'), { tag: 'other', val: 'wss' });
  assert.equal(schemeName(undefined), 'https');
  assert.equal(schemeName({ tag: 'HTTP' }), 'http');
  assert.equal(schemeName({ tag: 'other', val: 'wss' }), 'wss');
});

test('what a guest may set: tokens, URI schemes, authorities and paths without the forbidden characters', () => {
  assert.equal(isToken('x-Custom_1'), true);
  assert.equal(isToken('bad name'), false);
  assert.equal(isToken(''), false);
  assert.equal(isToken(7), false);
  assert.equal(methodAllowed({ tag: 'get' }), true);
  assert.equal(methodAllowed({ tag: 'other', val: 'PURGE' }), true);
  assert.equal(methodAllowed({ tag: 'other', val: 'BAD METHOD' }), false);
  assert.equal(schemeAllowed(undefined), true);
  assert.equal(schemeAllowed({ tag: 'HTTPS' }), true);
  assert.equal(schemeAllowed({ tag: 'other', val: 'ws+tls' }), true);
  assert.equal(schemeAllowed({ tag: 'other', val: '1ws' }), false);
  assert.equal(authorityAllowed(undefined), true);
  assert.equal(authorityAllowed('h.test:8080'), true);
  for (const a of ['a b', 'h/x', 'h?x', 'h#x', 'user@h', 80]) assert.equal(authorityAllowed(a), false, String(a));
  assert.equal(pathAllowed(undefined), true);
  assert.equal(pathAllowed('/a/b?c=1&d'), true);
  for (const p of ['/a b', '/a#b', '/a\tb', ['/']]) assert.equal(pathAllowed(p), false, String(p));
});
