;; Self-test of `weft wast` (not part of the reference suite): values of named
;; types (record, variant, enum, flags), which an exported function can only use
;; once the type is exported. jco 1.35 rejects components that export types
;; ("component export `rec` was not a function or instance"), so only weft runs
;; this file.
(component
  (core module $M
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    ;; A bump allocator that never frees; growing copies, shrinking keeps the block.
    (func (export "realloc") (param $old i32) (param $old-size i32) (param $align i32) (param $size i32)
      (result i32)
      (local $p i32)
      (if (i32.and (i32.ne (local.get $old) (i32.const 0))
                   (i32.le_u (local.get $size) (local.get $old-size)))
        (then (return (local.get $old))))
      (local.set $p
        (i32.and
          (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (global.set $bump (i32.add (local.get $p) (local.get $size)))
      (memory.copy (local.get $p) (local.get $old) (local.get $old-size))
      (local.get $p))
    (func (export "id-i32") (param i32) (result i32) (local.get 0))
    (func (export "store-2") (param i32 i32) (result i32)
      (i32.store (i32.const 0) (local.get 0))
      (i32.store (i32.const 4) (local.get 1))
      (i32.const 0))
    (func (export "store-3") (param i32 i32 i32) (result i32)
      (i32.store (i32.const 0) (local.get 0))
      (i32.store (i32.const 4) (local.get 1))
      (i32.store (i32.const 8) (local.get 2))
      (i32.const 0))
    (func (export "store-i32-i64") (param i32 i64) (result i32)
      (i32.store (i32.const 0) (local.get 0))
      (i64.store (i32.const 8) (local.get 1))
      (i32.const 0))
  )
  (core instance $m (instantiate $M))
  (type $rec-t (record (field "a-b" u32) (field "c" u8)))
  (export $rec "rec" (type $rec-t))
  (type $var-t (variant (case "none-case") (case "num" u32) (case "big" u64)))
  (export $var "var" (type $var-t))
  (type $enum-t (enum "red" "dark-green"))
  (export $enum "color" (type $enum-t))
  (type $flags-t (flags "a" "b-c" "d"))
  (export $flags "fl" (type $flags-t))
  (func (export "id-record") (param "x" $rec) (result $rec)
    (canon lift (core func $m "store-2") (memory (core memory $m "mem"))))
  (func (export "id-variant") (param "x" $var) (result $var)
    (canon lift (core func $m "store-i32-i64") (memory (core memory $m "mem"))))
  (func (export "id-enum") (param "x" $enum) (result $enum) (canon lift (core func $m "id-i32")))
  (func (export "id-flags") (param "x" $flags) (result $flags) (canon lift (core func $m "id-i32")))
  (func (export "id-option-record") (param "x" (option $rec)) (result (option $rec))
    (canon lift (core func $m "store-3") (memory (core memory $m "mem"))))
  (func (export "id-list-record") (param "x" (list $rec)) (result (list $rec))
    (canon lift (core func $m "store-2") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
)

(assert_return
  (invoke "id-record" (record.const (field "a-b" u32.const 1) (field "c" u8.const 2)))
  (record.const (field "a-b" u32.const 1) (field "c" u8.const 2)))
(assert_return (invoke "id-variant" (variant.const "none-case")) (variant.const "none-case"))
(assert_return (invoke "id-variant" (variant.const "num" (u32.const 5)))
  (variant.const "num" (u32.const 5)))
(assert_return (invoke "id-variant" (variant.const "big" (u64.const 18446744073709551615)))
  (variant.const "big" (u64.const 18446744073709551615)))
(assert_return (invoke "id-enum" (enum.const "dark-green")) (enum.const "dark-green"))
(assert_return (invoke "id-flags" (flags.const)) (flags.const))
(assert_return (invoke "id-flags" (flags.const "a" "b-c")) (flags.const "a" "b-c"))
(assert_return (invoke "id-option-record" (option.none)) (option.none))
(assert_return
  (invoke "id-option-record"
    (option.some (record.const (field "a-b" u32.const 3) (field "c" u8.const 4))))
  (option.some (record.const (field "a-b" u32.const 3) (field "c" u8.const 4))))
(assert_return
  (invoke "id-list-record"
    (list.const
      (record.const (field "a-b" u32.const 5) (field "c" u8.const 6))
      (record.const (field "a-b" u32.const 7) (field "c" u8.const 8))))
  (list.const
    (record.const (field "a-b" u32.const 5) (field "c" u8.const 6))
    (record.const (field "a-b" u32.const 7) (field "c" u8.const 8))))
