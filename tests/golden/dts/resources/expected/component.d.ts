// world root:component/root
export type * as TestResHost from './interfaces/test-res-host.js'; // import test:res/host
export * as files from './interfaces/test-res-files.js'; // export test:res/files
