/** @module Interface test:clash-exports/run **/
export function run(): number;
