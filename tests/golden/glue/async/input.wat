;; The async ABI in the glue (`Plan::uses_async`): an async export in the
;; callback form returning through `task.return`, an async lower of a host
;; import, a stream type's descriptor and built-ins, a waitable set.
(component
  (import "fetch" (func $fetch async (param "url" string) (result u32)))
  (type $s (stream u8))
  (core module $Mem
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 64)))
  (core instance $mem (instantiate $Mem))
  (core func $task-return (canon task.return (result u32)))
  (core func $fetch-lower
    (canon lower (func $fetch) async (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core func $ws-new (canon waitable-set.new))
  (core func $stream-new (canon stream.new $s))
  (core func $stream-drop (canon stream.drop-readable $s))
  (core module $M
    (import "" "task.return" (func $ret (param i32)))
    (import "" "fetch" (func $fetch (param i32 i32 i32) (result i32)))
    (import "" "waitable-set.new" (func $wsn (result i32)))
    (import "" "stream.new" (func $sn (result i64)))
    (import "" "stream.drop-readable" (func $sd (param i32)))
    (func (export "run") (param i32 i32) (result i32)
      (call $ret (i32.const 7))
      (i32.const 0))
    (func (export "cb") (param i32 i32 i32) (result i32) (i32.const 0)))
  (core instance $m (instantiate $M (with "" (instance
    (export "task.return" (func $task-return))
    (export "fetch" (func $fetch-lower))
    (export "waitable-set.new" (func $ws-new))
    (export "stream.new" (func $stream-new))
    (export "stream.drop-readable" (func $stream-drop))))))
  (func (export "run") async (param "s" string) (result u32)
    (canon lift (core func $m "run") async (callback (core func $m "cb"))
      (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
)
