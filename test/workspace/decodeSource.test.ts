import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSource } from '../../server/src/workspace/files';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

test('a BOM is dropped from the text and remembered; the bytes stay as read', () => {
  const bytes = Buffer.concat([BOM, Buffer.from('FROM nginx:1.27\r\n')]);
  const source = decodeSource(bytes);
  assert.equal(source.text, 'FROM nginx:1.27\r\n');
  assert.equal(source.hasBom, true);
  assert.equal(source.validUtf8, true);
  assert.equal(source.bytes, bytes);
});

test('only one BOM is dropped: a second one is text, so a rewrite that puts one back loses nothing', () => {
  const source = decodeSource(Buffer.concat([BOM, BOM, Buffer.from('FROM a')]));
  assert.equal(source.text, '\uFEFFFROM a');
  assert.equal(source.hasBom, true);
});

test('invalid UTF-8 is read with replacement characters and marked so it is never rewritten', () => {
  const source = decodeSource(
    Buffer.concat([BOM, Buffer.from('FROM a # '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]),
  );
  assert.equal(source.validUtf8, false);
  assert.equal(source.text, 'FROM a # \uFFFD\uFFFD\n');
  assert.equal(decodeSource(Buffer.from('FROM é\n')).validUtf8, true);
  assert.equal(decodeSource(Buffer.from('FROM é\n')).text, 'FROM é\n');
  // A sequence cut in the middle, and an overlong encoding of "/".
  assert.equal(decodeSource(Buffer.from([0x46, 0xc3])).validUtf8, false);
  assert.equal(decodeSource(Buffer.from([0xc0, 0xaf])).validUtf8, false);
});
