// Two exported interfaces with the same short name (`run`) and a function
// sharing an interface's short name (`helper`): the first export keeps the
// short name, the others are only exported under their full names.
import { run, helper } from './expected/component.js';

const n: number = run.run();
const b: boolean = helper();

export { n, b };
