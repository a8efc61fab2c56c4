/** @module Interface test:newer/concurrent **/
/**
 * @throws {ComponentError} with `payload` of type `ErrorContext`
 */
export function fetch(url: string, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
export function later(x: Promise<number> | number, y: Promise<void> | void): Promise<string>;
export function pipe(s: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array, t: ReadableStream<void> | AsyncIterable<void> | Iterable<void>, u: (ReadableStream<string> | AsyncIterable<string> | Iterable<string>)[]): BytesOut;
export function errors(e: ErrorContext, f: ErrorContext[]): ErrorContext | undefined;
export type BytesOut = ReadableStream<Uint8Array> & AsyncIterable<Uint8Array> & AsyncIterator<Uint8Array>;
/** An opaque component-model `error-context` value. */
export interface ErrorContext { readonly __errorContext: true }
