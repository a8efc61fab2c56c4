// Error contexts (definitions.py: ErrorContext, canon_error_context_{new,
// debug-message,drop}, lift/lower_error_context). An error context is an
// immutable JS object shared by reference between tables: lifting copies the
// reference (the handle stays), lowering adds a new handle. The glue decodes
// the guest string (`error-context.new`) and encodes `debugMessage` back
// (`error-context.debug-message`) with its usual string helpers.
import { getAs, checkMayLeave } from './table.js';

export class ErrorContext {
  constructor(debugMessage) {
    this.debugMessage = debugMessage;
  }
}
ErrorContext.kind = 'error context';

/** canon error-context.new (the glue has decoded `message`). */
export function errorContextNew(inst, message) {
  checkMayLeave(inst);
  return inst.handles.add(new ErrorContext(message));
}

/** canon error-context.debug-message: the string the glue then stores. */
export function errorContextDebugMessage(inst, i) {
  checkMayLeave(inst);
  return getAs(inst.handles, i, ErrorContext, 'error-context.debug-message').debugMessage;
}

/** canon error-context.drop */
export function errorContextDrop(inst, i) {
  checkMayLeave(inst);
  getAs(inst.handles, i, ErrorContext, 'error-context.drop');
  inst.handles.remove(i);
}

/** lift_error_context: the shared object (the handle stays in the table). */
export function liftErrorContext(inst, i) {
  return getAs(inst.handles, i, ErrorContext, 'error-context');
}

/** lower_error_context: a new handle to `ec` (JS `Error`s become ErrorContexts). */
export function lowerErrorContext(inst, ec) {
  if (!(ec instanceof ErrorContext)) ec = new ErrorContext(ec instanceof Error ? ec.message : String(ec));
  return inst.handles.add(ec);
}
