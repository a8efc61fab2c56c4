;; A variant whose cases have different flat shapes (joined to i32 i64), option and result.
(component
  (core module $m
    (func (export "v") (param i32 i64) (result i32) (local.get 0)))
  (core instance $i (instantiate $m))
  (type $v0 (variant (case "f" f32) (case "u" u64) (case "none")))
  (export $v "v" (type $v0))
  (func (export "which") (param "v" $v) (result u32) (canon lift (core func $i "v")))
  (func (export "opt") (param "o" (option u64)) (result u32) (canon lift (core func $i "v")))
  (func (export "res") (param "r" (result u32 (error f64))) (result u32) (canon lift (core func $i "v")))
)
