;; Benchmark component: a hand-written core module lifted into a component.
;;
;; Memory layout of the core module:
;;   [16, 48)   static return area (RET), reused by every call
;;   [64, ...)  bump heap; `realloc` bumps, post-return (or the callee itself,
;;              when nothing is returned in memory) resets the heap to 64.
(component
  (core module $m
    (memory (export "mem") 32)                 ;; 2 MiB: 1 MiB lists fit without growing
    (global $bump (mut i32) (i32.const 64))
    (global $RET i32 (i32.const 16))

    ;; cabi_realloc(old, old_size, align, new_size): a bump allocator. The most recent
    ;; allocation is resized in place; anything else gets a fresh block (old contents
    ;; copied). Memory grows on demand.
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

    (func $reset (export "reset") (param i32) (global.set $bump (i32.const 64)))

    ;; classify: s32 -> enum { neg, zero, pos }
    (func (export "classify") (param $x i32) (result i32)
      (select (i32.const 0)
        (select (i32.const 2) (i32.const 1) (i32.gt_s (local.get $x) (i32.const 0)))
        (i32.lt_s (local.get $x) (i32.const 0))))

    ;; echo-string: copy the argument into a fresh buffer, return (ptr, len) via RET.
    (func (export "echo-string") (param $p i32) (param $len i32) (result i32)
      (local $dst i32)
      (local.set $dst (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $len)))
      (memory.copy (local.get $dst) (local.get $p) (local.get $len))
      (i32.store (global.get $RET) (local.get $dst))
      (i32.store offset=4 (global.get $RET) (local.get $len))
      (global.get $RET))

    ;; sum-bytes: list<u8> -> u32, 16 bytes at a time with SIMD, then a scalar tail.
    ;; The callee owns its argument, so it resets the heap itself (no post-return).
    (func (export "sum-bytes") (param $p i32) (param $len i32) (result i32)
      (local $end i32) (local $vend i32) (local $acc v128) (local $sum i32)
      (local.set $end (i32.add (local.get $p) (local.get $len)))
      (local.set $vend (i32.add (local.get $p) (i32.and (local.get $len) (i32.const -16))))
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (block $done
        (loop $vec
          (br_if $done (i32.ge_u (local.get $p) (local.get $vend)))
          (local.set $acc
            (i32x4.add (local.get $acc)
              (i32x4.extadd_pairwise_i16x8_u
                (i16x8.extadd_pairwise_i8x16_u (v128.load (local.get $p))))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br $vec)))
      (local.set $sum
        (i32.add
          (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
          (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
      (block $tdone
        (loop $tail
          (br_if $tdone (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $tail)))
      (global.set $bump (i32.const 64))
      (local.get $sum))

    ;; make-bytes: n -> list<u8> of n bytes, each (n & 255).
    (func (export "make-bytes") (param $n i32) (result i32)
      (local $dst i32)
      (local.set $dst (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $n)))
      (memory.fill (local.get $dst) (i32.and (local.get $n) (i32.const 255)) (local.get $n))
      (i32.store (global.get $RET) (local.get $dst))
      (i32.store offset=4 (global.get $RET) (local.get $n))
      (global.get $RET))

    ;; transform: point { x: f64, y: f64, label: string } -> point { x*2, y+1, label }
    ;; Result layout at RET: x @0, y @8, label.ptr @16, label.len @20 (size 24, align 8).
    (func (export "transform") (param $x f64) (param $y f64) (param $p i32) (param $len i32) (result i32)
      (f64.store (global.get $RET) (f64.mul (local.get $x) (f64.const 2)))
      (f64.store offset=8 (global.get $RET) (f64.add (local.get $y) (f64.const 1)))
      (i32.store offset=16 (global.get $RET) (local.get $p))
      (i32.store offset=20 (global.get $RET) (local.get $len))
      (global.get $RET))
  )
  (core instance $i (instantiate $m))
  (alias core export $i "mem" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))

  (type $sign (enum "neg" "zero" "pos"))
  (type $point (record (field "x" f64) (field "y" f64) (field "label" string)))

  (func $classify (param "x" s32) (result $sign)
    (canon lift (core func $i "classify")))
  (func $echo-string (param "s" string) (result string)
    (canon lift (core func $i "echo-string") (memory $mem) (realloc $realloc) string-encoding=utf8
      (post-return (core func $i "reset"))))
  (func $sum-bytes (param "data" (list u8)) (result u32)
    (canon lift (core func $i "sum-bytes") (memory $mem) (realloc $realloc)))
  (func $make-bytes (param "n" u32) (result (list u8))
    (canon lift (core func $i "make-bytes") (memory $mem)
      (post-return (core func $i "reset"))))
  (func $transform (param "p" $point) (result $point)
    (canon lift (core func $i "transform") (memory $mem) (realloc $realloc)
      (post-return (core func $i "reset"))))

  (instance $api
    (export "sign" (type $sign))
    (export "point" (type $point))
    (export "classify" (func $classify))
    (export "echo-string" (func $echo-string))
    (export "sum-bytes" (func $sum-bytes))
    (export "make-bytes" (func $make-bytes))
    (export "transform" (func $transform)))
  (export "bench:bench/api" (instance $api))
)
