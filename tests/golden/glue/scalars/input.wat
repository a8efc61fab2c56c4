;; Scalar params and results only: no memory, no helpers beyond validation.
(component
  (core module $m
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "classify") (param i32) (result i32)
      (select (i32.const 0) (select (i32.const 1) (i32.const 2) (i32.eqz (local.get 0))) (i32.lt_s (local.get 0) (i32.const 0))))
    (func (export "wide") (param i64 f32 f64) (result i64) (local.get 0)))
  (core instance $i (instantiate $m))
  (type $sign0 (enum "neg" "zero" "pos"))
  (export $sign "sign" (type $sign0))
  (func (export "add") (param "a" s32) (param "b" s32) (result s32) (canon lift (core func $i "add")))
  (func (export "classify") (param "x" s32) (result $sign) (canon lift (core func $i "classify")))
  (func (export "wide") (param "a" u64) (param "b" f32) (param "c" f64) (result u64) (canon lift (core func $i "wide")))
)
