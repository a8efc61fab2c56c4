// Async scenarios written for jco, run against weft's glue (issue 17):
//   - async exports are `async function`s (what code written for jco checks);
//   - a caller that YIELDs while it waits on a callback-form callee whose own
//     wait is on the host (fixtures/compose/async-yield-wait.wat), and a
//     `stream` with no payload type between two components
//     (fixtures/compose/async-unit-pipeline.wasm, fixtures/build/async-unit-*,
//     fixtures/compose/async-unit-stream.wat):
//     each runs in a child process with a time bound, so a hang fails the test
//     instead of hanging the run;
//   - a callee misusing a borrow its caller lent it, and waitables used
//     synchronously while in a waitable set, trap
//     (fixtures/compose/async-borrow-misuse.wat, async-sync-wait-joined.wat);
//   - streams handed to JS have `next()`/`return()` (async-iterator style) as
//     well as being ReadableStreams.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JSPI_FLAG, NODE24, REPO, instantiateGlue, tmp, transpileFixture, fixturePath } from './support/async.js';

const AsyncFunction = (async () => {}).constructor;
const COMPOSE = join(REPO, 'fixtures/compose');

const WEFT = process.env.WEFT_BIN ?? join(REPO, 'target/debug/weft');
const glues = new Map();
/** Transpiles the component at `path` (.wat or .wasm) with `--instantiation async`
 * into a temporary directory (once per path); returns the glue's path. */
function glue(path, name) {
  if (!glues.has(path)) {
    const out = tmp(name);
    execFileSync(
      WEFT,
      ['transpile', path, '-o', out, '--name', name, '--instantiation', 'async', '--no-typescript', '--quiet'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    glues.set(path, join(out, `${name}.js`));
  }
  return glues.get(path);
}

// A call the glue never settles must fail its own test by timeout, not end the
// whole file when the event loop runs dry: keep the loop alive until the end.
const keepAlive = setInterval(() => {}, 1000);
after(() => clearInterval(keepAlive));

/**
 * Runs `body` (an async function body; `load(js, imports)` instantiates glue)
 * in a child Node (`jspi`: Node 24 with JSPI) with a time bound; returns what it prints as JSON. A child
 * still running after `ms` is killed and the test fails naming the hang.
 */
function bounded(what, js, body, { ms = 15_000, jspi = false } = {}) {
  const support = pathToFileURL(join(REPO, 'tests/node/support/async.js')).href;
  const src = `import { instantiateGlue as load } from ${JSON.stringify(support)};
const js = ${JSON.stringify(js)};
const out = await (async () => { ${body} })();
console.log(JSON.stringify(out));`;
  const node = jspi ? [NODE24, JSPI_FLAG] : [process.execPath];
  const r = spawnSync(node[0], [...node.slice(1), '--input-type=module', '-e', src], { encoding: 'utf8', timeout: ms });
  if (r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM')
    assert.fail(`${what}: still running after ${ms} ms (hang)`);
  assert.equal(r.status, 0, `${what}: child failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

// ---------------------------------------------------------------------------------------
// 1. Async exports are async functions.

test('async exports are async functions; sync exports are not', async () => {
  const root = await instantiateGlue(glue(join(COMPOSE, 'async-yield-wait.wat'), 'async-yield-wait'), {
    delay: () => new Promise((r) => setTimeout(r, 1)),
  });
  assert.ok(root.run instanceof AsyncFunction, 'run instanceof AsyncFunction');
  assert.equal(root.run.constructor.name, 'AsyncFunction');
  assert.ok(!(root.yields instanceof AsyncFunction), 'a sync export stays a plain function');
  assert.equal(await root.run(1), 2);
  // a bad argument rejects (an async function throws nothing synchronously)
  const p = root.run('x');
  assert.ok(p instanceof Promise);
  await assert.rejects(p, TypeError);
});

test('an async export done at once and one still running both resolve to the result', async () => {
  const api = (
    await instantiateGlue(transpileFixture('weft', 'async-basics'), {
      'test:async-basics/host': {
        hostDelay: (ms) => new Promise((r) => setTimeout(() => r(ms), ms)),
        fetchName: (id) => `user${id}`,
        log() {},
      },
    })
  ).api;
  assert.ok(api.echo instanceof AsyncFunction);
  assert.equal(await api.echo('hi'), 'hi');
  assert.equal(await api.addAfterDelay(2, 3, 5), 5);
});

// ---------------------------------------------------------------------------------------
// 3. Hangs (each in a child process with a time bound).

const ENGINES = [
  ['', false],
  [' (Node 24, JSPI)', true],
].filter(([, jspi]) => !jspi || existsSync(NODE24));

for (const [engine, jspi] of ENGINES) {
  test(`a caller YIELDing while it waits on a callback-form callee finishes (host delay: timer)${engine}`, () => {
    const js = glue(join(COMPOSE, 'async-yield-wait.wat'), 'async-yield-wait');
    const out = bounded(
      'yield while waiting on a subtask',
      js,
      `
      const app = await load(js, { delay: () => new Promise((r) => setTimeout(r, 20)) });
      const r = await app.run(41);
      return { r, yields: app.yields() };`,
      { jspi },
    );
    assert.equal(out.r, 42);
    assert.ok(out.yields > 0, 'the caller really yielded');
  });
}

test('a caller YIELDing while it waits on a callback-form callee finishes (host delay: resolved Promise, value)', () => {
  const js = glue(join(COMPOSE, 'async-yield-wait.wat'), 'async-yield-wait');
  const out = bounded(
    'yield while waiting on a subtask',
    js,
    `
    const a = await load(js, { delay: () => Promise.resolve() });
    const b = await load(js, { delay: () => undefined });
    return [await a.run(1), await b.run(2), await a.run(3)];`,
  );
  assert.deepEqual(out, [2, 3, 4]);
});

const unitFixtures = ['async-unit-producer', 'async-unit-consumer'].every((n) =>
  existsSync(join(REPO, 'fixtures/build', `${n}.wasm`)),
);
const unitOpts = { skip: unitFixtures ? false : 'fixtures/build/async-unit-*.wasm not built (bash fixtures/build.sh)' };

for (const [engine, jspi] of ENGINES) {
  test(`a \`stream\` with no payload type, written by one component and read by another (composed)${engine}`, () => {
    const js = glue(fixturePath('async-unit-pipeline'), 'async-unit-pipeline');
    const out = bounded(
      'unit stream between components',
      js,
      `
      const app = await load(js, {});
      const r = [];
      for (const [n, chunk] of [[0, 1], [1, 1], [5, 2], [1000, 1000], [10000, 7]]) r.push(await app.counter.pull(n, chunk));
      r.push(await app.counter.count([undefined, undefined, undefined]));
      return r;`,
      { jspi },
    );
    assert.deepEqual(out, [0, 1, 5, 1000, 10000, 3]);
  });
}

test('a `stream` with no payload type between two hand-written components (async-unit-stream.wat)', () => {
  const js = glue(join(COMPOSE, 'async-unit-stream.wat'), 'async-unit-stream');
  const out = bounded(
    'unit stream between components (wat)',
    js,
    `
    const app = await load(js, {});
    const r = [await app.count(0), await app.count(1), await app.count(5), await app.count(1000)];
    let n = 0;
    for await (const x of await app.make(4)) n++;
    r.push(n);
    return r;`,
  );
  assert.deepEqual(out, [0, 1, 5, 1000, 4]);
});

test('a `stream` with no payload type, linked through JS; JS reads it with next()', unitOpts, () => {
  const producer = transpileFixture('weft', 'async-unit-producer');
  const consumer = transpileFixture('weft', 'async-unit-consumer');
  const out = bounded(
    'unit stream linked through JS',
    producer,
    `
    const p = await load(js, {});
    const c = await load(${JSON.stringify(consumer)}, { 'test:units/ticks': p.ticks });
    const r = [await c.counter.pull(7, 3), await c.counter.count(await p.ticks.ticks(4, 3))];
    const s = await p.ticks.ticks(3, 2);
    let n = 0;
    for (let x = await s.next(); !x.done; x = await s.next()) n++;
    r.push(n);
    return r;`,
  );
  assert.deepEqual(out, [7, 4, 3]);
});

// ---------------------------------------------------------------------------------------
// 4. Missing traps.

const isTrap = (re) => (e) => {
  assert.ok(e instanceof WebAssembly.RuntimeError, `expected a trap, got ${e}`);
  assert.match(e.message, re);
  return true;
};

test('a callee misusing a borrowed handle its caller lent it traps', async () => {
  const js = glue(join(COMPOSE, 'async-borrow-misuse.wat'), 'async-borrow-misuse');
  const fresh = () => instantiateGlue(js, {});
  assert.equal(await (await fresh()).run(0), 7, 'control: borrow used and dropped in time');
  await assert.rejects((await fresh()).run(1), isTrap(/borrow handles still remain/), 'task.return holding the borrow');
  await assert.rejects((await fresh()).run(2), isTrap(/invalid handle index/), 'dropped twice');
  await assert.rejects((await fresh()).run(3), isTrap(/lent out/), 'the lender drops it while lent');
  await assert.rejects((await fresh()).run(4), isTrap(/invalid handle index/), 'used after its drop');
  await assert.rejects((await fresh()).run(5), isTrap(/borrow handles still remain/), 'never dropped');
  // a sync-typed callee called from the async caller
  assert.equal(await (await fresh()).runSync(0), 7, 'control: sync callee drops it');
  await assert.rejects((await fresh()).runSync(1), isTrap(/borrowed handles are still live/), 'sync callee keeps it');
});

test('a waitable in a waitable set used synchronously traps', async () => {
  const js = glue(join(COMPOSE, 'async-sync-wait-joined.wat'), 'async-sync-wait-joined');
  const fresh = () => instantiateGlue(js, {});
  for (const f of ['streamRead', 'streamWrite', 'futureRead', 'cancelRead', 'subtaskCancel']) {
    await assert.rejects(
      (await fresh())[f](),
      isTrap(/waitable cannot be used synchronously while added to a waitable set/),
      f,
    );
  }
  assert.equal(await (await fresh()).control(), 0, 'control: taken out of the set first, the sync read is fine');
});

// ---------------------------------------------------------------------------------------
// 5. next()/return() on streams handed to JS.

async function generator() {
  const log = [];
  const api = (
    await instantiateGlue(transpileFixture('weft', 'async-basics'), {
      'test:async-basics/host': { hostDelay: (ms) => ms, fetchName: (id) => `user${id}`, log: (m) => log.push(m) },
    })
  ).api;
  return { api, log };
}

test('a stream handed to JS: next() reads it as its async iterator would', async () => {
  const { api } = await generator();
  const s = await api.generate(10, 4);
  assert.ok(s instanceof ReadableStream);
  const got = [];
  for (let x = await s.next(); !x.done; x = await s.next()) got.push(...x.value);
  assert.equal(got.length, 10);
  assert.deepEqual(await s.next(), { done: true, value: undefined }, 'stays done');
});

test('a stream handed to JS: return() ends the iteration and drops the stream (the writer sees it)', async () => {
  const { api, log } = await generator();
  const s = await api.generate(1 << 20, 16);
  const first = await s.next();
  assert.equal(first.done, false);
  assert.deepEqual(await s.return('bye'), { done: true, value: 'bye' });
  assert.deepEqual(await s.next(), { done: true, value: undefined });
  for (let k = 0; k < 100 && !log.some((m) => m.startsWith('generate: dropped')); k++)
    await new Promise((r) => setTimeout(r, 5));
  assert.ok(
    log.some((m) => m.startsWith('generate: dropped')),
    `the guest saw the drop: ${JSON.stringify(log)}`,
  );
  // return() before any next() cancels too
  const t = await api.generate(100, 10);
  assert.deepEqual(await t.return(), { done: true, value: undefined });
});
