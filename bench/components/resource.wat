;; Resource method call: an exported resource `counter` (rep = address of its u32
;; value) with a constructor and `get`; JS calls `counter.get()` on the class
;; instance. As wit-component does, a nested component gives the exported
;; functions types that name the exported resource.
(component
  (core module $S
    (memory (export "mem") 1)
    (global $drops (mut i32) (i32.const 0))
    (func (export "dtor") (param i32) (global.set $drops (i32.add (global.get $drops) (i32.const 1)))))
  (core instance $s (instantiate $S))
  (alias core export $s "dtor" (core func $dtor))
  (type $counter (resource (rep i32) (dtor (core func $dtor))))
  (core func $new (canon resource.new $counter))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "new" (func $new (param i32) (result i32)))
    (global $next (mut i32) (i32.const 64))
    (func (export "ctor") (param $v i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $next))
      (global.set $next (i32.add (local.get $p) (i32.const 4)))
      (i32.store (local.get $p) (local.get $v))
      (call $new (local.get $p)))
    ;; borrow<counter> arrives as the rep (this component implements it)
    (func (export "get") (param $self i32) (result i32) (i32.load (local.get $self))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $s "mem")) (export "new" (func $new))))))
  (func $ctor (param "v" u32) (result (own $counter)) (canon lift (core func $m "ctor")))
  (func $get (param "self" (borrow $counter)) (result u32) (canon lift (core func $m "get")))
  (component $Api
    (import "counter" (type $c (sub resource)))
    (import "ctor" (func $ctor (param "v" u32) (result (own $c))))
    (import "get" (func $get (param "self" (borrow $c)) (result u32)))
    (export $ce "counter" (type $c))
    (export "[constructor]counter" (func $ctor) (func (param "v" u32) (result (own $ce))))
    (export "[method]counter.get" (func $get) (func (param "self" (borrow $ce)) (result u32))))
  (instance $api (instantiate $Api
    (with "counter" (type $counter)) (with "ctor" (func $ctor)) (with "get" (func $get))))
  (export "bench:res/api" (instance $api))
)
