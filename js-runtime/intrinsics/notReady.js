// With --tla-compat an export is only there once `$init` resolves: until then
// it is this placeholder, which fails with an error naming `$init` when it is
// called, constructed or read from (instead of `m.greet is not a function`).
export function notReady(name) {
  const fail = () => {
    throw new TypeError(`${name}: the component is not instantiated yet: \`await $init\` first (--tla-compat)`);
  };
  // `then` stays undefined so that awaiting the placeholder does not throw.
  const get = (_, prop) => (typeof prop === 'string' && prop !== 'then' ? fail() : undefined);
  // A function target: the `construct` trap needs a constructible one (an arrow is not).
  // biome-ignore lint/complexity/useArrowFunction: `new` on the placeholder must reach `fail`
  return new Proxy(function () {}, { apply: fail, construct: fail, get });
}
