/** @module Interface test:inst/api@1.0.0 **/
/**
 * @throws {ComponentError} with `payload` of type `string`
 */
export function run(c: Config): number;
export type Level = import('./test-inst-logging.js').Level;
export interface Config {
  verbose: boolean,
  level: Level,
}
