;; Self-test of `weft wast` (not part of the reference suite): definitions,
;; named instances, the current instance, and traps while instantiating.
(component definition $Counter
  (core module $M
    (global $n (mut i32) (i32.const 0))
    (func (export "next") (result i32)
      (global.set $n (i32.add (global.get $n) (i32.const 1)))
      (global.get $n)))
  (core instance $m (instantiate $M))
  (func (export "next") (result u32) (canon lift (core func $m "next")))
)
(component instance $a $Counter)
(component instance $b $Counter)
(assert_return (invoke $a "next") (u32.const 1))
(assert_return (invoke $a "next") (u32.const 2))
;; Each instance has its own state.
(assert_return (invoke $b "next") (u32.const 1))
;; The latest instance is the current one.
(assert_return (invoke "next") (u32.const 2))

;; A trap in a start function traps the instantiation; the current instance
;; stays what it was.
(assert_trap
  (component
    (core module $M (func $start unreachable) (start $start))
    (core instance $m (instantiate $M)))
  "unreachable")
(assert_return (invoke "next") (u32.const 3))

;; A top-level component is defined, instantiated and becomes current.
(component $c
  (core module $M (func (export "f") (result i32) (i32.const 7)))
  (core instance $m (instantiate $M))
  (func (export "seven") (result u32) (canon lift (core func $m "f")))
)
(assert_return (invoke "seven") (u32.const 7))
(assert_return (invoke $c "seven") (u32.const 7))
(assert_return (invoke $a "next") (u32.const 3))

;; Rejected components.
(assert_invalid
  (component (core instance (instantiate 0)))
  "unknown module")
(assert_malformed
  (component quote "(core module $m) (core module $m)")
  "duplicate core module identifier")
(assert_malformed
  (component binary "\00asm" "\0d\00\02\00")
  "unknown binary version")
