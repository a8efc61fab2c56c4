// world root:component/root
export * as run from './interfaces/test-clash-exports-run.js'; // export test:clash-exports/run
// export wasi:cli/run@0.2.0 ('./interfaces/wasi-cli-run.js'): `run` is taken, so it is only exported under its full name
// export test:clash-exports/helper ('./interfaces/test-clash-exports-helper.js'): `helper` is taken, so it is only exported under its full name
export function helper(): boolean;
