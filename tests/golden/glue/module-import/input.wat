;; A component that imports a core module from the host and instantiates it.
(component
  (import "m" (core module $M (export "f" (func (result i32)))))
  (core instance $i (instantiate $M))
  (func (export "f") (result u32) (canon lift (core func $i "f")))
)
