// World-level types, a world-level resource and world-level function imports
// (one of them mapped to `module#member`).
import { instantiate, Session } from './expected/component.js';
import type { Features, ImportObject, Outcome, Settings, Ids, Mode } from './expected/component.js';

const settings: Settings = { name: 'n', pair: { a: 1, b: 2 } };
// The world's resource is imported: the host's class, keyed by its name (as jco).
class HostSession {
  constructor(readonly s: Settings) {}
  mode(): Mode {
    return 'fast';
  }
  static close(s: Session): void {
    void s;
  }
}
const imports: ImportObject = {
  session: HostSession,
  // `test:world-level/types` has only types: nothing to provide, key optional.
  './settings.js#get': { default: () => settings },
  // A world-level function import may also be given as the function itself.
  notify: (o: Outcome, f: Features) => void [o, f],
};

async function main(): Promise<void> {
  const root = await instantiate(async () => WebAssembly.compile(new Uint8Array(8)), imports);
  const outcome: Outcome = root.start(settings, 'fast');
  if (outcome.tag === 'done') {
    const s: Settings = outcome.val;
    void s;
  }
  const session: Session = root.open();
  const mode: Mode = session.mode();
  Session.close(session);
  const fresh = new Session(settings);
  const ids: Ids = root.allIds(new BigUint64Array([1n]));
  void [mode, fresh, ids];
}

export { main };
