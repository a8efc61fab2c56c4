;; The glue's share of an async export call, without a guest runtime: `nop` is a
;; callback-form async export whose core entry only calls `task.return` and
;; returns EXIT; `nop-ctx` also makes the two `context.get` and two `context.set`
;; calls wit-bindgen's runtime makes per call (fixtures/guests/async-bench's
;; `nop`); `nop-sync` is a sync export of the same instance (it reaches none of
;; the instance's imports, so the glue calls it without a sync task thread, as
;; it does wit-bindgen's `nop-sync`).
;;   weft bench bench/async-nop.wat [--node node] [--browser]
;; Against fixtures/build/async-bench.wasm's rows, the difference is the guest's
;; own code (bench/README.md, "Async rows").
(component
  (core func $task-return (canon task.return (result u32)))
  (core func $cget (canon context.get i32 0))
  (core func $cset (canon context.set i32 0))
  (core module $M
    (import "" "task.return" (func $ret (param i32)))
    (import "" "cget" (func $cget (result i32)))
    (import "" "cset" (func $cset (param i32)))
    (func (export "nop") (result i32)
      (call $ret (i32.const 1))
      (i32.const 0))
    (func (export "nop-ctx") (result i32)
      (drop (call $cget))
      (call $cset (i32.const 5))
      (drop (call $cget))
      (call $cset (i32.const 0))
      (call $ret (i32.const 1))
      (i32.const 0))
    (func (export "nop-sync") (result i32) (i32.const 1))
    (func (export "cb") (param i32 i32 i32) (result i32) (i32.const 0)))
  (core instance $m (instantiate $M (with "" (instance
    (export "task.return" (func $task-return))
    (export "cget" (func $cget))
    (export "cset" (func $cset))))))
  (func (export "nop") async (result u32)
    (canon lift (core func $m "nop") async (callback (core func $m "cb"))))
  (func (export "nop-ctx") async (result u32)
    (canon lift (core func $m "nop-ctx") async (callback (core func $m "cb"))))
  (func (export "nop-sync") (result u32)
    (canon lift (core func $m "nop-sync")))
)
