// The one per-component-instance table (definitions.py: ComponentInstance.handles)
// shared by resource handles, waitables (subtasks, stream/future ends),
// waitable sets and error contexts. It is intrinsics/resources.js's
// `HandleTable` unchanged; this file adds the typed accessors the async
// built-ins use, which trap (never throw TypeError) when an index names an
// entry of another kind.
import { trap } from '../intrinsics/trap.js';

/** `tbl.get(i)`, trapping unless the entry is an instance of `cls`. */
export function getAs(tbl, i, cls, what) {
  const e = tbl.get(i);
  if (!(e instanceof cls)) trap(`${what}: handle ${i >>> 0} is not a ${cls.kind ?? cls.name}`);
  return e;
}

/** The `may_leave` check every built-in starts with. */
export function checkMayLeave(inst) {
  if (!inst.mayLeave) trap('cannot leave component instance during realloc or post-return');
}
