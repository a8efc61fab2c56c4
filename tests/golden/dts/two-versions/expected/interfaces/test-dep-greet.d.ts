/** @module Interface test:dep/greet@0.1.0 **/
export function hello(): string;
