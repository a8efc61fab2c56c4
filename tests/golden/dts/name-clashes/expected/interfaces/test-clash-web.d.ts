/** @module Interface test:clash/web **/
export interface WebAssembly {
  name: string,
}
export interface Record {
  key: string,
}
export interface TestClashWeb {
  id: number,
}
