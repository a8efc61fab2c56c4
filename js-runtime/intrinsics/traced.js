// --tracing (as jco's): logs every call of an export or a host import with
// its JS arguments and its result, thrown error or settled Promise, on
// console.error: `[iface="ns:pkg/api", function="f"] call x=1, y="a"`.
function traceValue(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return `[function ${v.name}]`;
  try {
    return (
      JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Array.from(x) : x)) ??
      String(v)
    );
  } catch {
    return String(v);
  }
}

/** Wraps `f` (named `fn` of interface `iface`, params `params`) to log its calls. */
export function traced(iface, fn, params, f) {
  const where = `[iface="${iface}", function="${fn}"]`;
  const log = (what, v) => console.error(`${where} ${what}${traceValue(v)}`);
  return function (...args) {
    console.error(`${where} call ${params.map((p, i) => `${p}=${traceValue(args[i])}`).join(', ')}`);
    let r;
    try {
      r = f.apply(this, args);
    } catch (e) {
      log('throw error=', e?.payload ?? e?.message ?? e);
      throw e;
    }
    if (r !== null && typeof r?.then === 'function') {
      return r.then(
        (v) => {
          log('return result=', v);
          return v;
        },
        (e) => {
          log('reject error=', e?.payload ?? e?.message ?? e);
          throw e;
        },
      );
    }
    log('return result=', r);
    return r;
  };
}
