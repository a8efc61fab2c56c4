;; A resource exported at the world level: its constructor and methods are
;; world-level exports too, and become members of the exported class.
(component
  (type $r (resource (rep i32)))
  (core func $new (canon resource.new $r))
  (core module $M
    (import "" "new" (func $new (param i32) (result i32)))
    (func (export "ctor") (param i32) (result i32) (call $new (local.get 0)))
    (func (export "value") (param i32) (result i32) (local.get 0)))
  (core instance $m (instantiate $M (with "" (instance (export "new" (func $new))))))
  (export $re "session" (type $r))
  (func $ctor (param "id" u32) (result (own $re)) (canon lift (core func $m "ctor")))
  (func $value (param "self" (borrow $re)) (result u32) (canon lift (core func $m "value")))
  (export "[constructor]session" (func $ctor))
  (export "[method]session.value" (func $value))
)
