;; Self-test of `weft wast` (not part of the reference suite): a core start
;; function that calls, through `canon lower`, a function lifted by the same
;; component instance. definitions.py lets it run: the start function runs as
;; a synchronous task of the instance, and the call's entering set
;; (`entering_set(caller)`: the callee's instance and ancestors minus the
;; caller's) is empty, so `may_enter_from` holds. wasmtime traps instead
;; ("cannot enter component instance"); docs/conformance.md records why weft
;; follows the spec here.
(component
  (core module $A
    (global $calls (mut i32) (i32.const 0))
    (func (export "f") (param i32) (result i32)
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (i32.mul (local.get 0) (i32.const 2)))
    (func (export "calls") (result i32) (global.get $calls)))
  (core instance $a (instantiate $A))
  (func $f (param "x" u32) (result u32) (canon lift (core func $a "f")))
  (canon lower (func $f) (core func $f'))
  (core module $B
    (import "" "f" (func $f (param i32) (result i32)))
    (global $got (mut i32) (i32.const 0))
    (func $start (global.set $got (call $f (i32.const 21))))
    (start $start)
    (func (export "got") (result i32) (global.get $got)))
  (core instance $b (instantiate $B (with "" (instance (export "f" (func $f'))))))
  (func (export "got") (result u32) (canon lift (core func $b "got")))
  (func (export "calls") (result u32) (canon lift (core func $a "calls")))
)
(assert_return (invoke "got") (u32.const 42))
(assert_return (invoke "calls") (u32.const 1))

;; The same with the async machinery in the glue (`context.set`/`get`): the
;; start function's task and the call's task each have their own slots.
(component
  (canon context.get i32 0 (core func $get))
  (canon context.set i32 0 (core func $set))
  (core module $A
    (import "" "get" (func $get (result i32)))
    (import "" "set" (func $set (param i32)))
    (func (export "f") (param i32) (result i32)
      (if (i32.ne (call $get) (i32.const 0)) (then unreachable))
      (call $set (i32.const 5))
      (i32.mul (local.get 0) (i32.const 2))))
  (core instance $a (instantiate $A (with "" (instance (export "get" (func $get)) (export "set" (func $set))))))
  (func $f (param "x" u32) (result u32) (canon lift (core func $a "f")))
  (canon lower (func $f) (core func $f'))
  (core module $B
    (import "" "f" (func $f (param i32) (result i32)))
    (import "" "get" (func $get (result i32)))
    (import "" "set" (func $set (param i32)))
    (global $got (mut i32) (i32.const 0))
    (func $start
      (call $set (i32.const 9))
      (global.set $got (call $f (i32.const 21)))
      (if (i32.ne (call $get) (i32.const 9)) (then unreachable)))
    (start $start)
    (func (export "got") (result i32) (global.get $got)))
  (core instance $b (instantiate $B (with "" (instance
    (export "f" (func $f')) (export "get" (func $get)) (export "set" (func $set))))))
  (func (export "got") (result u32) (canon lift (core func $b "got")))
)
(assert_return (invoke "got") (u32.const 42))
