// world root:component/root
export * as keywords from './interfaces/test-reserved-keywords.js'; // export test:reserved/keywords
export { _delete as delete };
declare function _delete(package_: number): void;
export { _void as void };
declare function _void(): void;
