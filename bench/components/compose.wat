;; Cross-component string call: `relay` (in sub-component $Outer) calls `echo` (in
;; sub-component $Inner) through a component boundary; both sides are utf8 with
;; their own memory and bump allocator. The string is copied JS -> $Outer -> $Inner,
;; and the result $Inner -> $Outer -> JS.
;;
;; Memory layout of both core modules (as in bench.wat):
;;   [16, 24)   static return area (RET)
;;   [64, ...)  bump heap; post-return resets it to 64.
(component
  (component $Inner
    (core module $m
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 64))
      (func $realloc (export "realloc")
        (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
        (local $ptr i32) (local $end i32)
        (if (i32.and (i32.ne (local.get $old) (i32.const 0))
                     (i32.eq (i32.add (local.get $old) (local.get $old_size)) (global.get $bump)))
          (then (local.set $ptr (local.get $old)))
          (else
            (local.set $ptr
              (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                       (i32.sub (i32.const 0) (local.get $align))))))
        (local.set $end (i32.add (local.get $ptr) (local.get $size)))
        (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
          (then
            (if (i32.eq (i32.const -1)
                  (memory.grow (i32.sub (i32.shr_u (i32.add (local.get $end) (i32.const 0xffff)) (i32.const 16))
                                        (memory.size))))
              (then unreachable))))
        (if (i32.and (i32.ne (local.get $old) (i32.const 0)) (i32.ne (local.get $ptr) (local.get $old)))
          (then
            (memory.copy (local.get $ptr) (local.get $old)
              (select (local.get $old_size) (local.get $size)
                (i32.lt_u (local.get $old_size) (local.get $size))))))
        (global.set $bump (local.get $end))
        (local.get $ptr))
      (func (export "reset") (param i32) (global.set $bump (i32.const 64)))
      ;; echo: copy the argument into a fresh buffer, return (ptr, len) via RET.
      (func (export "echo") (param $p i32) (param $len i32) (result i32)
        (local $dst i32)
        (local.set $dst (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $len)))
        (memory.copy (local.get $dst) (local.get $p) (local.get $len))
        (i32.store (i32.const 16) (local.get $dst))
        (i32.store (i32.const 20) (local.get $len))
        (i32.const 16))
      ;; echo-points: copy the list of 24-byte points into a fresh buffer, as echo does.
      (func (export "echo-points") (param $p i32) (param $len i32) (result i32)
        (local $dst i32) (local $bytes i32)
        (local.set $bytes (i32.mul (local.get $len) (i32.const 24)))
        (local.set $dst (call $realloc (i32.const 0) (i32.const 0) (i32.const 8) (local.get $bytes)))
        (memory.copy (local.get $dst) (local.get $p) (local.get $bytes))
        (i32.store (i32.const 16) (local.get $dst))
        (i32.store (i32.const 20) (local.get $len))
        (i32.const 16)))
    (core instance $i (instantiate $m))
    (func (export "echo") (param "s" string) (result string)
      (canon lift (core func $i "echo") string-encoding=utf8
        (memory (core memory $i "mem")) (realloc (core func $i "realloc"))
        (post-return (core func $i "reset"))))
    (type $point' (record (field "x" f64) (field "y" f64) (field "id" u32)))
    (export $point "point" (type $point'))
    (func (export "echo-points") (param "ps" (list $point)) (result (list $point))
      (canon lift (core func $i "echo-points")
        (memory (core memory $i "mem")) (realloc (core func $i "realloc"))
        (post-return (core func $i "reset")))))

  (component $Outer
    (import "echo" (func $echo (param "s" string) (result string)))
    (type $point' (record (field "x" f64) (field "y" f64) (field "id" u32)))
    (import "point" (type $point (eq $point')))
    (import "echo-points" (func $echo-points (param "ps" (list $point)) (result (list $point))))
    (core module $libc
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 64))
      (func $realloc (export "realloc")
        (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
        (local $ptr i32) (local $end i32)
        (if (i32.and (i32.ne (local.get $old) (i32.const 0))
                     (i32.eq (i32.add (local.get $old) (local.get $old_size)) (global.get $bump)))
          (then (local.set $ptr (local.get $old)))
          (else
            (local.set $ptr
              (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                       (i32.sub (i32.const 0) (local.get $align))))))
        (local.set $end (i32.add (local.get $ptr) (local.get $size)))
        (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
          (then
            (if (i32.eq (i32.const -1)
                  (memory.grow (i32.sub (i32.shr_u (i32.add (local.get $end) (i32.const 0xffff)) (i32.const 16))
                                        (memory.size))))
              (then unreachable))))
        (if (i32.and (i32.ne (local.get $old) (i32.const 0)) (i32.ne (local.get $ptr) (local.get $old)))
          (then
            (memory.copy (local.get $ptr) (local.get $old)
              (select (local.get $old_size) (local.get $size)
                (i32.lt_u (local.get $old_size) (local.get $size))))))
        (global.set $bump (local.get $end))
        (local.get $ptr))
      (func (export "reset") (param i32) (global.set $bump (i32.const 64))))
    (core instance $libc (instantiate $libc))
    (core func $echo' (canon lower (func $echo) string-encoding=utf8
      (memory (core memory $libc "mem")) (realloc (core func $libc "realloc"))))
    (core func $echo-points' (canon lower (func $echo-points)
      (memory (core memory $libc "mem")) (realloc (core func $libc "realloc"))))
    (core module $main
      (import "" "echo" (func $echo (param i32 i32 i32)))
      (import "" "echo-points" (func $echo-points (param i32 i32 i32)))
      ;; relay: echo's result is lowered into this memory at RET; return it as is.
      (func (export "relay") (param $p i32) (param $len i32) (result i32)
        (call $echo (local.get $p) (local.get $len) (i32.const 16))
        (i32.const 16))
      (func (export "relay-points") (param $p i32) (param $len i32) (result i32)
        (call $echo-points (local.get $p) (local.get $len) (i32.const 16))
        (i32.const 16)))
    (core instance $main (instantiate $main (with "" (instance
      (export "echo" (func $echo')) (export "echo-points" (func $echo-points'))))))
    (func (export "relay") (param "s" string) (result string)
      (canon lift (core func $main "relay") string-encoding=utf8
        (memory (core memory $libc "mem")) (realloc (core func $libc "realloc"))
        (post-return (core func $libc "reset"))))
    (export $point-out "point" (type $point))
    (func (export "relay-points") (param "ps" (list $point-out)) (result (list $point-out))
      (canon lift (core func $main "relay-points")
        (memory (core memory $libc "mem")) (realloc (core func $libc "realloc"))
        (post-return (core func $libc "reset")))))

  (instance $inner (instantiate $Inner))
  (instance $outer (instantiate $Outer (with "echo" (func $inner "echo"))
    (with "point" (type $inner "point")) (with "echo-points" (func $inner "echo-points"))))
  (alias export $outer "relay" (func $relay))
  (alias export $outer "relay-points" (func $relay-points))
  (alias export $outer "point" (type $point))
  (instance $api (export "relay" (func $relay)) (export "point" (type $point))
    (export "relay-points" (func $relay-points)))
  (export "bench:compose/api" (instance $api))
)
