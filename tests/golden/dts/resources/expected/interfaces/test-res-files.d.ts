/** @module Interface test:res/files **/
export function openAll(paths: string[]): File[];
export function first(files: File[]): Handle | undefined;
export function consume(f: File, e: Entry): void;
export function makeEmpty(): Empty;
export interface Entry {
  name: string,
  handle: Handle,
}

export class Empty implements Disposable {
  /**
   * This type does not have a public constructor.
   */
  private constructor();
  [Symbol.dispose](): void;
}

export class File implements Disposable {
  constructor(path: string);
  /**
   * @throws {ComponentError} with `payload` of type `string`
   */
  read(len: number): Uint8Array;
  write(data: Uint8Array): number;
  size(): bigint;
  /**
   * @throws {ComponentError} with `payload` of type `string`
   */
  static open(path: string, create: boolean): File;
  duplicate(): File;
  compare(other: File): boolean;
  [Symbol.dispose](): void;
}

export class Handle implements Disposable {
  /**
   * This type does not have a public constructor.
   */
  private constructor();
  id(): number;
  [Symbol.dispose](): void;
}
