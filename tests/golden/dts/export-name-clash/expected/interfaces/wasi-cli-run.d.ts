/** @module Interface wasi:cli/run@0.2.0 **/
/**
 * @throws {ComponentError} with no `payload`
 */
export function run(): void;
