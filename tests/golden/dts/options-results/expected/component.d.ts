// world root:component/root
export * as shapes from './interfaces/test-nesting-shapes.js'; // export test:nesting/shapes
/**
 * @throws {ComponentError} with `payload` of type `string`
 */
export function topThrows(): Uint8Array;
export function topOption(x: Option<boolean | undefined>): boolean | undefined;
export type Option<T> = { tag: 'none' } | { tag: 'some', val: T };
