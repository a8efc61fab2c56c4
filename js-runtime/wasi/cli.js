// wasi:cli — environment, exit, stdin/stdout/stderr, terminal-*.
// Everything is granted through options; nothing is read from the real process.
import { InputStream, OutputStream } from './io.js';

/**
 * Thrown by wasi:cli/exit to stop the program; `code` is its exit status.
 * It unwinds through the component's `run` export to whoever called it
 * (`runCommand` below, or `weft run`).
 */
export class WasiExit extends Error {
  constructor(code) {
    super(`wasi:cli/exit: exit status ${code}`);
    this.name = 'WasiExit';
    this.code = code;
  }
}

export class TerminalInput {}
export class TerminalOutput {}

function strings(list, what) {
  for (const s of list) if (typeof s !== 'string') throw new TypeError(`createWasi: ${what} must be strings`);
  return list;
}

/** `env` as given to createWasi (object or list of pairs) -> list of [key, value]. */
export function envPairs(env) {
  if (env == null) return [];
  const pairs = Array.isArray(env) ? env.map((p) => [p[0], p[1]]) : Object.entries(env);
  for (const [k, v] of pairs) {
    if (typeof k !== 'string' || typeof v !== 'string')
      throw new TypeError('createWasi: env keys and values must be strings');
  }
  return pairs;
}

/**
 * opts: { args, env, cwd, stdin: source, stdout: sink, stderr: sink,
 *         terminal: { stdin, stdout, stderr }, jspi }  (sources/sinks: see io.js)
 */
export function cliImports(opts) {
  const args = strings([...(opts.args ?? [])], 'args');
  const env = envPairs(opts.env);
  const cwd = opts.cwd;
  const term = opts.terminal ?? {};
  const mode = { jspi: !!opts.jspi }; // JSPI: blocking stdio calls may return Promises (io.js)
  // One stream object per stdio; the guest may ask for it more than once (the
  // glue counts its handles and disposes the stream when the last is dropped).
  let stdin, stdout, stderr;
  const live = (s) => s && !s.closed;
  return {
    'wasi:cli/environment': {
      getEnvironment: () => env.map((p) => [p[0], p[1]]),
      getArguments: () => args.slice(),
      initialCwd: () => cwd,
    },
    'wasi:cli/exit': {
      exit(status) {
        throw new WasiExit(status?.tag === 'err' ? 1 : 0);
      },
      exitWithCode(code) {
        throw new WasiExit(code);
      },
    },
    'wasi:cli/stdin': { getStdin: () => (live(stdin) ? stdin : (stdin = new InputStream(opts.stdin, mode))) },
    'wasi:cli/stdout': { getStdout: () => (live(stdout) ? stdout : (stdout = new OutputStream(opts.stdout, mode))) },
    'wasi:cli/stderr': { getStderr: () => (live(stderr) ? stderr : (stderr = new OutputStream(opts.stderr, mode))) },
    'wasi:cli/terminal-input': { TerminalInput },
    'wasi:cli/terminal-output': { TerminalOutput },
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => (term.stdin ? new TerminalInput() : undefined) },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => (term.stdout ? new TerminalOutput() : undefined) },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => (term.stderr ? new TerminalOutput() : undefined) },
  };
}

/**
 * The exit status of a command whose `run` threw `e`: the status passed to
 * wasi:cli/exit, or 1 when `run` returned `err`; anything else (a trap) is rethrown.
 */
export function exitStatusOf(e) {
  if (e instanceof WasiExit) return e.code;
  if (e && e.name === 'ComponentError') return 1;
  throw e;
}

/** The instance's `wasi:cli/run` (the glue exports it as `run` and under its versioned name). */
function runExport(instance, who) {
  const key = Object.keys(instance).find((k) => k.startsWith('wasi:cli/run'));
  const run = instance.run ?? (key && instance[key]);
  if (!run || typeof run.run !== 'function') throw new TypeError(`${who}: the instance exports no wasi:cli/run`);
  return run;
}

/** `runCommand` for glue whose `run` returns a Promise (`--async-mode jspi`): resolves to the exit code. */
export async function runCommandAsync(instance) {
  const run = runExport(instance, 'runCommandAsync');
  try {
    await run.run();
    return 0;
  } catch (e) {
    return exitStatusOf(e);
  }
}

/**
 * Runs a `wasi:cli/command`'s `run` export (the instance returned by the
 * glue) and returns its exit status: 0, 1 when `run` returns `err`, or the
 * status passed to wasi:cli/exit. Other exceptions (traps) propagate.
 */
export function runCommand(instance) {
  const run = runExport(instance, 'runCommand');
  try {
    run.run();
    return 0;
  } catch (e) {
    return exitStatusOf(e);
  }
}
