// Types shared across interfaces (renamed, chained `use`s, world-level `use`).
import { top, centre, nextId } from './expected/component.js';
import type { Point, Id, TestCrossBase, TestCrossMiddle } from './expected/component.js';

const origin: Point = { x: 0, y: 0 };
const sized: TestCrossMiddle.Sized = { at: origin, unit: 'em' };
const unit: TestCrossMiddle.LengthUnit = 'px';
const baseUnit: TestCrossBase.Unit = unit;
const points: TestCrossMiddle.Points = top.layout([sized], origin);
const topSized: top.Sized = sized;
const count: number = top.count(1n);
const c: Point = centre(points);
const id: Id = nextId();
const ident: top.Ident = id;
type Place = typeof TestCrossMiddle.place;
const place: Place = (canvas, s) => {
  canvas.draw(s.at);
  return 1n;
};

export { baseUnit, topSized, count, c, ident, place };
