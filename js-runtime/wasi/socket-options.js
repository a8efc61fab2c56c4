// wasi:sockets options (keep-alive times, hop limit, buffer sizes) as the
// Node hosts keep them: validated and remembered on the socket, not applied
// to the OS socket. Each host lists a socket class's options in a table, one
// row per option: [getter, setter, initial value, check]. `check(v)` returns
// the value to keep or throws the host's error-code to refuse `v`.

/** A new socket's option values: the table's initial values, under their getters' names. */
export function initialOptions(table) {
  return Object.fromEntries(table.map(([getter, , initial]) => [getter, initial]));
}

/**
 * Adds each option's getter and setter to `cls.prototype`, over the socket's
 * `options` record (made with `initialOptions`).
 */
export function defineOptions(cls, table) {
  for (const [getter, setter, , check] of table) {
    defineMethod(cls, getter, function () {
      return this.options[getter];
    });
    defineMethod(cls, setter, function (v) {
      this.options[getter] = check(v);
    });
  }
}

/** `cls.prototype[name] = fn`, named and non-enumerable like a method written in the class. */
function defineMethod(cls, name, fn) {
  Object.defineProperty(fn, 'name', { value: name });
  Object.defineProperty(cls.prototype, name, { value: fn, writable: true, configurable: true });
}
