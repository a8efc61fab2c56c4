;; Self-test of `weft wast` (not part of the reference suite): the options
;; check of `canon task.return` (CanonicalABI.md, canon_task_return). Result
;; type and string encoding must equal the lift's; a `task.return` naming a
;; memory must name the lift's; one naming no memory is accepted (wasmtime;
;; wit-bindgen emits such `task.return`s for `stream<string>` results).

;; The lift has a memory, `task.return` none: accepted.
(component
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core module $M
    (import "" "task.return" (func $task.return (param i32)))
    (func (export "f") (result i32)
      (call $task.return (i32.const 7))
      (i32.const 0 (; EXIT ;)))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (canon task.return (result u32) (core func $task.return))
  (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $task.return))))))
  (func (export "no-memory-ok") async (result u32)
    (canon lift (core func $m "f") async (callback (core func $m "cb"))
      (memory (core memory $mem "mem")) string-encoding=utf8))
)
(assert_return (invoke "no-memory-ok") (u32.const 7))

;; The same memory on both: accepted.
(component
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core module $M
    (import "" "task.return" (func $task.return (param i32)))
    (func (export "f") (result i32)
      (call $task.return (i32.const 8))
      (i32.const 0 (; EXIT ;)))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (canon task.return (result u32) (memory (core memory $mem "mem")) (core func $task.return))
  (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $task.return))))))
  (func (export "same-memory-ok") async (result u32)
    (canon lift (core func $m "f") async (callback (core func $m "cb")) (memory (core memory $mem "mem"))))
)
(assert_return (invoke "same-memory-ok") (u32.const 8))

;; `task.return` names a memory, the lift has none: trap.
(component
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core module $M
    (import "" "task.return" (func $task.return (param i32)))
    (func (export "f") (result i32)
      (call $task.return (i32.const 9))
      (i32.const 0 (; EXIT ;)))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (canon task.return (result u32) (memory (core memory $mem "mem")) (core func $task.return))
  (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $task.return))))))
  (func (export "memory-without-lift-memory") async (result u32)
    (canon lift (core func $m "f") async (callback (core func $m "cb"))))
)
(assert_trap (invoke "memory-without-lift-memory") "invalid task.return signature")

;; `task.return` names another memory than the lift's: trap.
(component
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem1 (instantiate $Mem))
  (core instance $mem2 (instantiate $Mem))
  (core module $M
    (import "" "task.return" (func $task.return (param i32)))
    (func (export "f") (result i32)
      (call $task.return (i32.const 10))
      (i32.const 0 (; EXIT ;)))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (canon task.return (result u32) (memory (core memory $mem2 "mem")) (core func $task.return))
  (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $task.return))))))
  (func (export "other-memory") async (result u32)
    (canon lift (core func $m "f") async (callback (core func $m "cb")) (memory (core memory $mem1 "mem"))))
)
(assert_trap (invoke "other-memory") "invalid task.return signature")

;; Another string encoding than the lift's: trap.
(component
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core module $M
    (import "" "task.return" (func $task.return (param i32)))
    (func (export "f") (result i32)
      (call $task.return (i32.const 11))
      (i32.const 0 (; EXIT ;)))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (canon task.return (result u32) string-encoding=utf16 (core func $task.return))
  (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $task.return))))))
  (func (export "other-encoding") async (result u32)
    (canon lift (core func $m "f") async (callback (core func $m "cb")) (memory (core memory $mem "mem"))))
)
(assert_trap (invoke "other-encoding") "invalid task.return signature")

;; Another result type than the lift's: trap.
(component
  (core module $M
    (import "" "task.return" (func $task.return (param i32)))
    (func (export "f") (result i32)
      (call $task.return (i32.const 12))
      (i32.const 0 (; EXIT ;)))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (canon task.return (result s32) (core func $task.return))
  (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $task.return))))))
  (func (export "other-type") async (result u32)
    (canon lift (core func $m "f") async (callback (core func $m "cb"))))
)
(assert_trap (invoke "other-type") "invalid task.return signature")
