// Runs the transpiled example: `weft transpile examples/hello/hello.wat -o examples/hello/out`.
import { greet } from './out/hello.js';
console.log(greet(process.argv[2] ?? 'world'));
