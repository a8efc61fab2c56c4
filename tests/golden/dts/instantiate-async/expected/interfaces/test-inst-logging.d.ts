/** @module Interface test:inst/logging@1.0.0 **/
export function log(l: Level, msg: string): void;
/**
 * # Variants
 *
 * ## `"info"`
 *
 * ## `"warn"`
 */
export type Level = 'info' | 'warn';

export class Sink {
  constructor(name: string);
  /**
   * @throws {ComponentError} with `payload` of type `string`
   */
  write(msg: string): void;
}
