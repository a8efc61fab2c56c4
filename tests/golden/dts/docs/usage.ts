// The documented world (generated from WIT, so docs are present).
import { documented, hello } from './expected/component.js';

const greeting: string = hello('you');
const p: documented.Point = documented.movePoint({ x: 1, y: 2 }, 3);
const parsed: documented.Point = documented.parse('1,2');
const mode: documented.Mode = { read: true };
const color: documented.Color = 'red';
const shape: documented.Shape = { tag: 'circle', val: 1 };
const coords: documented.Coords = [p, parsed];
const counter = new documented.Counter(1);
const next: number = counter.increment();
const fallback: documented.Counter = documented.Counter.defaultCounter();

export { greeting, mode, color, shape, coords, next, fallback };
