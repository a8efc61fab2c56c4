// Async ABI constants (definitions.py: EventCode, CallbackCode, CopyResult,
// CopyState, Subtask.State, Task.State, Cancelled, BLOCKED) and the packing
// helpers for the i32 values core wasm sees. Pure data, no state.

export const EVENT_NONE = 0;
export const EVENT_SUBTASK = 1;
export const EVENT_STREAM_READ = 2;
export const EVENT_STREAM_WRITE = 3;
export const EVENT_FUTURE_READ = 4;
export const EVENT_FUTURE_WRITE = 5;
export const EVENT_TASK_CANCELLED = 6;

export const CALLBACK_EXIT = 0;
export const CALLBACK_YIELD = 1;
export const CALLBACK_WAIT = 2;
export const CALLBACK_MAX = 2;

export const COPY_COMPLETED = 0;
export const COPY_DROPPED = 1;
export const COPY_CANCELLED = 2;

// CopyEnd.state
export const COPY_IDLE = 1;
export const COPY_COPYING = 2;
export const COPY_CANCELLING = 3;
export const COPY_DONE = 4;

// Subtask.State (the values core wasm sees)
export const SUBTASK_STARTING = 0;
export const SUBTASK_STARTED = 1;
export const SUBTASK_RETURNED = 2;
export const SUBTASK_CANCELLED_BEFORE_STARTED = 3;
export const SUBTASK_CANCELLED_BEFORE_RETURNED = 4;

// Task.State
export const TASK_INITIAL = 1;
export const TASK_STARTED = 2;
export const TASK_PENDING_CANCEL = 3;
export const TASK_CANCEL_DELIVERED = 4;
export const TASK_RESOLVED = 5;

export const NOT_CANCELLED = 0;
export const CANCELLED = 1;

/** Returned by async built-ins that did not complete eagerly. */
export const BLOCKED = 0xffff_ffff;

/** Largest element count of a stream/future buffer (Buffer.MAX_LENGTH). */
export const MAX_BUFFER_LENGTH = 2 ** 28 - 1;
