/** @module Interface test:newer/concurrent **/
/**
 * @throws {ComponentError} with `payload` of type `ErrorContext`
 */
export function fetch(url: string): Promise<Uint8Array>;
export function later(x: Promise<number>, y: Promise<void>): Promise<string>;
export function pipe(s: ReadableStream<number> & AsyncIterable<number>, t: ReadableStream<void> & AsyncIterable<void>, u: (ReadableStream<string> & AsyncIterable<string>)[]): BytesOut;
export function errors(e: ErrorContext, f: ErrorContext[]): ErrorContext | undefined;
export type BytesOut = ReadableStream<number> & AsyncIterable<number>;
/** An opaque component-model `error-context` value. */
export interface ErrorContext { readonly __errorContext: true }
