// Variants (with per-case types), enums and flags.
import { sums } from './expected/component.js';
import type { TestSumsSums } from './expected/component.js';

const events: sums.Event[] = [
  { tag: 'started' },
  { tag: 'progress', val: 0.5 },
  { tag: 'message', val: 'hi' },
  { tag: 'log', val: ['warn-level', 'careful'] },
  { tag: 'nested', val: undefined },
  { tag: 'nested', val: { id: 1n, tags: [] } },
  { tag: 'perms', val: { read: true, executeIt: true } },
  { tag: 'empty-case' },
];
const started: sums.EventStarted = { tag: 'started' };
const way: sums.TwoWays = sums.emit(events[0] ?? started);
if (way.tag === 'left') {
  const left: sums.TwoWaysLeft = way;
  const n: number = left.val;
  void n;
}
const levels: sums.Level[] = sums.levels('debug', 'only');
const perms: sums.Permissions = sums.flagsInOut({}, { justThis: true });
const all: sums.Event | undefined = sums.all({ tag: 'the-3rd' });
sums.all({ tag: 'v2', val: new Uint8Array(1) });
const level: TestSumsSums.Level = 'error';

export { levels, perms, all, level };
