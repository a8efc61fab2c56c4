/** @module Interface test:versions/unmapped@2.1.0 **/
export function pong(s: string): void;
