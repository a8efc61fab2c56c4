;; Host imports (an interface and a root function) lowered into core wasm.
(component
  (import "test:demo/host@0.1.0" (instance $h
    (export "log" (func (param "msg" string)))
    (export "next" (func (result u32)))))
  (import "tick" (func $tick))
  (core module $mm (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 64)))
  (core instance $mi (instantiate $mm))
  (core func $log (canon lower (func $h "log") (memory (core memory $mi "mem"))))
  (core func $next (canon lower (func $h "next")))
  (core func $tick (canon lower (func $tick)))
  (core module $m
    (import "h" "log" (func $log (param i32 i32)))
    (import "h" "next" (func $next (result i32)))
    (import "h" "tick" (func $tick))
    (func (export "run") (result i32) (call $tick) (call $next)))
  (core instance $i (instantiate $m (with "h" (instance (export "log" (func $log)) (export "next" (func $next)) (export "tick" (func $tick))))))
  (func (export "run") (result u32) (canon lift (core func $i "run")))
)
