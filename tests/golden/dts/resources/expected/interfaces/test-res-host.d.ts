/** @module Interface test:res/host **/
export function getLogger(): Logger;

export class Logger {
  constructor(prefix: string);
  log(msg: string): void;
  child(suffix: string): Logger;
  static global(): Logger;
}
