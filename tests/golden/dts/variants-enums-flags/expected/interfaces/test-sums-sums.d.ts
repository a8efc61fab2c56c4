/** @module Interface test:sums/sums **/
export function emit(e: Event): TwoWays;
export function levels(l: Level, s: Single): Level[];
export function flagsInOut(p: Permissions, o: OneFlag): Permissions;
export function all(n: Numbered): Event | undefined;
/**
 * # Variants
 *
 * ## `"debug"`
 *
 * ## `"info"`
 *
 * ## `"warn-level"`
 *
 * ## `"error"`
 */
export type Level = 'debug' | 'info' | 'warn-level' | 'error';
export interface EventPayload {
  id: bigint,
  tags: string[],
}
export interface Permissions {
  read?: boolean,
  write?: boolean,
  executeIt?: boolean,
  aVeryLongFlagName?: boolean,
}
export type Event = EventStarted | EventProgress | EventMessage | EventLog | EventNested | EventPerms | EventEmptyCase;
export interface EventStarted {
  tag: 'started',
}
export interface EventProgress {
  tag: 'progress',
  val: number,
}
export interface EventMessage {
  tag: 'message',
  val: string,
}
export interface EventLog {
  tag: 'log',
  val: [Level, string],
}
export interface EventNested {
  tag: 'nested',
  val: EventPayload | undefined,
}
export interface EventPerms {
  tag: 'perms',
  val: Permissions,
}
export interface EventEmptyCase {
  tag: 'empty-case',
}
export type TwoWays = TwoWaysLeft | TwoWaysRight;
export interface TwoWaysLeft {
  tag: 'left',
  val: number,
}
export interface TwoWaysRight {
  tag: 'right',
  val: number,
}
/**
 * # Variants
 *
 * ## `"only"`
 */
export type Single = 'only';
export interface OneFlag {
  justThis?: boolean,
}
export type Numbered = NumberedV1 | NumberedV2 | NumberedThe3rd;
export interface NumberedV1 {
  tag: 'v1',
}
export interface NumberedV2 {
  tag: 'v2',
  val: Uint8Array,
}
export interface NumberedThe3rd {
  tag: 'the-3rd',
}
