// Ambient declarations for component imports the plugin handles but whose
// types no `x.wasm.d.ts` names: `?instantiate` imports. Add
// `"types": ["weftjs/client"]` (or a `/// <reference types="weftjs/component" />`).
declare module '*.wasm?instantiate' {
  /** Instantiates the component; `imports` override the plugin's (mapped modules, WASI). */
  // biome-ignore lint/suspicious/noExplicitAny: the component's exports are not known here; callers call them
  export function instantiate(imports?: Record<string, unknown>): Promise<Record<string, any>>;
}
