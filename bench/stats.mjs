// Statistics and markdown formatting shared by bench/run.mjs and bench/async.mjs.

export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b),
    pos = (s.length - 1) * q,
    lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}
export const median = (xs) => quantile(xs, 0.5);

/** A duration in nanoseconds as `12.3 ns` / `4.56 µs` / `1.23 ms`; `—` for none. */
export function fmtNs(ns) {
  if (ns == null) return '—';
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(ns < 100 ? 1 : 0)} ns`;
}
export const fmtRatio = (x) =>
  x == null || !Number.isFinite(x) ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);

/** A markdown table: the first column left-aligned, the others right-aligned. */
export function table(head, rows) {
  const out = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) out.push(`| ${r.join(' | ')} |`);
  return out.join('\n');
}
