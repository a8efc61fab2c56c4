/** @module Interface test:dep/greet@0.2.0 **/
export function hello(name: string): string;
export function goodbye(): string;
