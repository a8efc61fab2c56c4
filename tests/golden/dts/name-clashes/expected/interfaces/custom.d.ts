/** @module Interface custom **/
export function poke(): void;
