/** @module Interface test:clash-exports/helper **/
export function help(): string;
