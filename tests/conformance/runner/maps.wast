;; Self-test of `weft wast` (not part of the reference suite): `map<K, V>`
;; values (the component-model-map feature), which are JS Maps with entries in
;; order.
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
    ;; Identity for types that flatten to 2 i32s: the flat values stored at 0
    ;; and 4 are the type's memory layout.
    (func (export "store-2") (param i32 i32) (result i32)
      (i32.store (i32.const 0) (local.get 0))
      (i32.store (i32.const 4) (local.get 1))
      (i32.const 0))
  )
  (core instance $m (instantiate $M))
  (func (export "id-map") (param "x" (map string u32)) (result (map string u32))
    (canon lift (core func $m "store-2") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "id-map-u8") (param "x" (map u8 (list u8))) (result (map u8 (list u8)))
    (canon lift (core func $m "store-2") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
)

(assert_return (invoke "id-map" (map.const)) (map.const))
(assert_return
  (invoke "id-map" (map.const (entry (str.const "a") (u32.const 1)) (entry (str.const "b") (u32.const 2))))
  (map.const (entry (str.const "a") (u32.const 1)) (entry (str.const "b") (u32.const 2))))
(assert_return
  (invoke "id-map-u8" (map.const (entry (u8.const 7) (list.const (u8.const 1)))))
  (map.const (entry (u8.const 7) (list.const (u8.const 1)))))
