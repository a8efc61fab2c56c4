// Types of weftjs/wasi, the WASI 0.2 host (hand-written; see wasi/README.md
// in the package for every option).

export interface WasiOptions {
  /** argv as the guest sees it. */
  args?: string[];
  env?: Record<string, string> | Array<[string, string]>;
  cwd?: string;
  /** `{ '/guest/path': '/host/dir' | { path, readonly } | memoryDirectory(...) }` (Node); memory or OPFS directories in browsers. */
  preopens?: Record<string, unknown>;
  stdin?: unknown;
  stdout?: unknown;
  stderr?: unknown;
  terminal?: { stdin?: boolean; stdout?: boolean; stderr?: boolean };
  timezone?: 'local';
  /** Grant the network (sockets and outgoing HTTP in Node, outgoing HTTP in browsers). */
  network?: boolean;
  /** Browsers, with glue built with `--async-mode jspi`: blocking functions return Promises. */
  jspi?: boolean;
}

/** The import object for `instantiate(getCoreModule, createWasi(...))`, keyed `wasi:<pkg>/<iface>`. */
export declare function createWasi(options?: WasiOptions): Record<string, Record<string, unknown>>;
/** Runs a `wasi:cli/command`'s `run` export; returns the exit code. */
export declare function runCommand(exports: Record<string, any>): number;
export declare function runCommandAsync(exports: Record<string, any>): Promise<number>;
export declare class WasiExit extends Error {
  code: number;
}
export declare class IoError extends Error {}
export declare function collectSink(): { write(bytes: Uint8Array): void; bytes(): Uint8Array; text(): string };
export declare function lineSink(log: (line: string) => void): { write(bytes: Uint8Array): void };
export declare function memoryDirectory(entries?: Record<string, unknown>): unknown;
export declare function memoryFile(contents: string | Uint8Array): unknown;
export declare function memorySymlink(target: string): unknown;
export declare class MemDirectory {}
