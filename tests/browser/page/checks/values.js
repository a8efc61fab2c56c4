// In-page checks on the `values` fixture (fixtures/build/values.wasm, a Rust
// guest; fixtures/wit/values.wit): every kind of WIT value both ways across the
// host boundary, a representative subset of tests/node/values.test.js.
import assert from '../assert.js';
import { load } from '../load.js';
import host, { reply } from '../values-host.js';

const f32 = Math.fround;

async function values() {
  return load('values', 'values', { 'test:values/host': host });
}

export async function exportsRoundTrip() {
  const root = await values();
  const ex = root.exports;
  assert.equal(root.topAdd(2 ** 32 - 1, 1), 0);
  assert.equal(root.topGreet('世界'), 'Hello, 世界!');
  assert.equal(ex.roundtripU64(2n ** 64n - 1n), 2n ** 64n - 1n);
  assert.equal(ex.roundtripS64(-(2n ** 63n)), -(2n ** 63n));
  assert.equal(ex.roundtripF32(0.1), f32(0.1));
  assert.ok(Number.isNaN(ex.roundtripF64(NaN)));
  assert.equal(ex.roundtripF64(-0), -0);
  assert.equal(ex.roundtripChar('🎉'), '🎉');
  assert.equal(ex.roundtripString('a\uD800b 😀'), 'a\uFFFDb 😀');
  assert.deepEqual(ex.roundtripListU64([1n, 2n ** 64n - 1n]), new BigUint64Array([1n, 2n ** 64n - 1n]));
  assert.deepEqual(ex.roundtripListF32(new Float32Array([1.5, -0])), new Float32Array([1.5, -0]));
  assert.deepEqual(ex.roundtripListS16([-1, 2]), new Int16Array([-1, 2]));
  assert.deepEqual(ex.roundtripListString(['', 'é', '🎉']), ['', 'é', '🎉']);
  assert.deepEqual(ex.roundtripListOptionU8([1, undefined, 3]), [1, undefined, 3]);
  const line = { start: { x: 1, y: 2 }, end: { x: -3, y: -4 }, label: 'diagonal ↘' };
  assert.deepEqual(ex.roundtripLine(line), line);
  for (const shape of [
    { tag: 'big', val: 2n ** 64n - 1n },
    { tag: 'named', val: 'héllo 😀' },
    { tag: 'no-shape' },
    { tag: 'pair', val: [7, -(2n ** 63n)] },
  ]) {
    const back = ex.roundtripShape(shape);
    assert.equal(back.tag, shape.tag);
    assert.deepEqual(back.val, shape.val);
  }
  assert.equal(ex.roundtripColor('dark-blue'), 'dark-blue');
  assert.deepEqual(ex.roundtripPerms({ read: true, write: false, exec: true, setUid: false }), {
    read: true,
    write: false,
    exec: true,
    setUid: false,
  });
  assert.deepEqual(ex.roundtripOptionOption({ tag: 'some', val: undefined }), { tag: 'some', val: undefined });
  assert.equal(ex.roundtripResult({ tag: 'ok', val: 'fine' }), 'fine');
  assert.throws(
    () => ex.parseU32('x'),
    (e) => e instanceof Error && e.payload === 'not a u32: x',
  );
  assert.equal(ex.parseU32('42'), 42);
  assert.throws(() => ex.roundtripU8(256), RangeError);
  assert.throws(() => ex.roundtripColor('purple'), TypeError);
}

export async function hostImports() {
  const root = await values();
  assert.equal(
    reply(
      'echoString',
      () => 'a\uD800',
      () => root.callHostString('x'),
    ),
    'a\uFFFD',
  );
  assert.equal(root.callHostU64(2n ** 64n - 1n), 2n ** 64n - 1n);
  assert.equal(
    reply(
      'echoF32',
      () => 0.1,
      () => root.callHostF32(0),
    ),
    f32(0.1),
  );
  assert.deepEqual(root.callHostListU8(new Uint8Array([1, 2, 255])), new Uint8Array([1, 2, 255]));
  assert.deepEqual(root.callHostListString(['🎉', '']), ['🎉', '']);
  const boom = new Error('boom');
  assert.throws(
    () =>
      reply(
        'ping',
        () => {
          throw boom;
        },
        () => root.callHostPing(),
      ),
    (e) => e === boom,
  );
  assert.throws(
    () =>
      reply(
        'echoResult',
        () => {
          throw 42;
        },
        () => root.callHostResult({ tag: 'ok', val: 'x' }),
      ),
    (e) => e instanceof Error && e.payload === 42,
  );
  assert.equal(root.topAdd(1, 2), 3, 'the instance is usable after a host error');
}
