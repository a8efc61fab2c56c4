// The error thrown when an export returns `result::err`; `payload` is the err value.
export class ComponentError extends Error {
  constructor(payload) {
    super(typeof payload === 'string' ? payload : `component returned an error: ${safeString(payload)}`);
    this.name = 'ComponentError';
    this.payload = payload;
  }
}
function safeString(v) {
  try {
    return typeof v === 'object' ? JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}` : x)) : String(v);
  } catch {
    return typeof v;
  }
}
// The err value for an exception thrown by a host import whose result type is
// `result`: its `.payload` if it has one; a plain Error is a real failure and
// propagates; any other thrown value is the err value itself.
export function errPayload(e) {
  if (e && typeof e === 'object' && Object.hasOwn(e, 'payload')) return e.payload;
  if (e instanceof Error) throw e;
  return e;
}
