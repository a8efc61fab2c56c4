//! `canon` definitions: lifts, lowers, `resource.*` and the async ABI's
//! built-ins, with their canonical options checked and resolved.

use wasmparser::component_types::{ComponentAnyTypeId, ComponentValType};
use wasmparser::{CanonicalFunction, CanonicalOption};

use super::*;
use crate::plan::*;
use crate::types::{FuncType, TypeConverter};
use crate::{Error, Result};

impl Flattener {
    pub(super) fn canon(&mut self, cx: &Ctx<'_, '_>, canon: &CanonicalFunction) -> Result<()> {
        let mut sp = cx.scope.spaces.borrow_mut();
        let instance = cx.instance;
        let resource = |sp: &Spaces<'_>, idx: u32| {
            sp.types[idx as usize].ok_or_else(|| Error::invalid("not a resource type", None))
        };
        match canon {
            CanonicalFunction::Lift {
                core_func_index,
                type_index,
                options,
            } => {
                let id = match cx.types.component_any_type_at(*type_index) {
                    ComponentAnyTypeId::Func(id) => id,
                    _ => {
                        return Err(Error::invalid(
                            "canon lift type is not a function type",
                            None,
                        ))
                    }
                };
                let ty = TypeConverter {
                    types: cx.types,
                    resources: &sp.resource_map,
                }
                .func(id);
                check_supported(&ty)?;
                self.plan.intern_async_types(&ty);
                let opts = canon_opts(&sp, options)?;
                let core = sp.core_funcs[*core_func_index as usize].clone();
                let lifted = self.plan.lifted.push(Lifted {
                    core,
                    ty,
                    opts,
                    component_instance: instance,
                });
                sp.funcs.push(Callee::Lifted(lifted));
            }
            CanonicalFunction::Lower {
                func_index,
                options,
            } => {
                let conv = TypeConverter {
                    types: cx.types,
                    resources: &sp.resource_map,
                };
                let ty = conv.func(cx.types.component_function_at(*func_index));
                check_supported(&ty)?;
                self.plan.intern_async_types(&ty);
                let opts = canon_opts(&sp, options)?;
                let callee = sp.funcs[*func_index as usize].clone();
                let lowered = self.plan.lowered.push(Lowered {
                    callee,
                    ty,
                    opts,
                    component_instance: instance,
                });
                sp.core_funcs.push(CoreDef::Lowered(lowered));
            }
            CanonicalFunction::ResourceNew { resource: r } => {
                let rt = resource(&sp, *r)?;
                sp.core_funcs.push(CoreDef::Resource {
                    op: ResourceOp::New,
                    rt: ResourceIdx::new(rt),
                    instance,
                });
            }
            CanonicalFunction::ResourceDrop { resource: r } => {
                let rt = resource(&sp, *r)?;
                sp.core_funcs.push(CoreDef::Resource {
                    op: ResourceOp::Drop,
                    rt: ResourceIdx::new(rt),
                    instance,
                });
            }
            CanonicalFunction::ResourceRep { resource: r } => {
                let rt = resource(&sp, *r)?;
                sp.core_funcs.push(CoreDef::Resource {
                    op: ResourceOp::Rep,
                    rt: ResourceIdx::new(rt),
                    instance,
                });
            }
            other => {
                let op = self.async_op(cx, &sp, other)?;
                let builtin = self.plan.builtins.push(Builtin { op, instance });
                sp.core_funcs.push(CoreDef::Builtin(builtin));
            }
        }
        Ok(())
    }

    /// The async ABI built-in a `canon` definition makes (or why weft can't).
    pub(super) fn async_op(
        &mut self,
        cx: &Ctx<'_, '_>,
        sp: &Spaces<'_>,
        canon: &CanonicalFunction,
    ) -> Result<AsyncOp> {
        use CanonicalFunction as C;
        let conv = TypeConverter {
            types: cx.types,
            resources: &sp.resource_map,
        };
        let mut ty = |idx: u32| -> Result<AsyncTypeIdx> {
            let t = match cx.types.component_any_type_at(idx) {
                ComponentAnyTypeId::Defined(id) => conv.val(ComponentValType::Type(id)),
                _ => return Err(Error::invalid("not a stream or future type", None)),
            };
            if let Some(f) = t.unsupported_feature() {
                return Err(Error::unsupported(f));
            }
            Ok(self.plan.async_type(t))
        };
        let (stream, future) = (CopyKind::Stream, CopyKind::Future);
        Ok(match canon {
            C::TaskReturn { result, options } => {
                let result = match result {
                    None => None,
                    Some(wasmparser::ComponentValType::Primitive(p)) => {
                        Some(conv.val(ComponentValType::Primitive(*p)))
                    }
                    Some(wasmparser::ComponentValType::Type(i)) => {
                        match cx.types.component_any_type_at(*i) {
                            ComponentAnyTypeId::Defined(id) => {
                                Some(conv.val(ComponentValType::Type(id)))
                            }
                            _ => return Err(Error::invalid("task.return: not a value type", None)),
                        }
                    }
                };
                if let Some(f) = result.as_ref().and_then(|t| t.unsupported_feature()) {
                    return Err(Error::unsupported(f).in_path("task.return"));
                }
                AsyncOp::TaskReturn {
                    result,
                    opts: canon_opts(sp, options)?,
                }
            }
            C::TaskCancel => AsyncOp::TaskCancel,
            C::ContextGet { slot, .. } => AsyncOp::ContextGet(*slot),
            C::ContextSet { slot, .. } => AsyncOp::ContextSet(*slot),
            C::BackpressureInc => AsyncOp::BackpressureInc,
            C::BackpressureDec => AsyncOp::BackpressureDec,
            C::ThreadYield => AsyncOp::ThreadYield,
            C::WaitableSetNew => AsyncOp::WaitableSetNew,
            C::WaitableSetWait { memory } => {
                AsyncOp::WaitableSetWait(sp.core_memories[*memory as usize].clone())
            }
            C::WaitableSetPoll { memory } => {
                AsyncOp::WaitableSetPoll(sp.core_memories[*memory as usize].clone())
            }
            C::WaitableSetDrop => AsyncOp::WaitableSetDrop,
            C::WaitableJoin => AsyncOp::WaitableJoin,
            C::SubtaskCancel { async_ } => AsyncOp::SubtaskCancel { is_async: *async_ },
            C::SubtaskDrop => AsyncOp::SubtaskDrop,
            C::StreamNew { ty: t } => AsyncOp::New {
                kind: stream,
                ty: ty(*t)?,
            },
            C::FutureNew { ty: t } => AsyncOp::New {
                kind: future,
                ty: ty(*t)?,
            },
            C::StreamRead { ty: t, options } | C::StreamWrite { ty: t, options } => AsyncOp::Copy {
                kind: stream,
                ty: ty(*t)?,
                read: matches!(canon, C::StreamRead { .. }),
                opts: canon_opts(sp, options)?,
            },
            C::FutureRead { ty: t, options } | C::FutureWrite { ty: t, options } => AsyncOp::Copy {
                kind: future,
                ty: ty(*t)?,
                read: matches!(canon, C::FutureRead { .. }),
                opts: canon_opts(sp, options)?,
            },
            C::StreamCancelRead { ty: t, async_ } | C::StreamCancelWrite { ty: t, async_ } => {
                AsyncOp::Cancel {
                    kind: stream,
                    ty: ty(*t)?,
                    read: matches!(canon, C::StreamCancelRead { .. }),
                    is_async: *async_,
                }
            }
            C::FutureCancelRead { ty: t, async_ } | C::FutureCancelWrite { ty: t, async_ } => {
                AsyncOp::Cancel {
                    kind: future,
                    ty: ty(*t)?,
                    read: matches!(canon, C::FutureCancelRead { .. }),
                    is_async: *async_,
                }
            }
            C::StreamDropReadable { ty: t } => AsyncOp::Drop {
                kind: stream,
                ty: ty(*t)?,
                readable: true,
            },
            C::StreamDropWritable { ty: t } => AsyncOp::Drop {
                kind: stream,
                ty: ty(*t)?,
                readable: false,
            },
            C::FutureDropReadable { ty: t } => AsyncOp::Drop {
                kind: future,
                ty: ty(*t)?,
                readable: true,
            },
            C::FutureDropWritable { ty: t } => AsyncOp::Drop {
                kind: future,
                ty: ty(*t)?,
                readable: false,
            },
            C::ErrorContextNew { options } => AsyncOp::ErrorContextNew(canon_opts(sp, options)?),
            C::ErrorContextDebugMessage { options } => {
                AsyncOp::ErrorContextDebugMessage(canon_opts(sp, options)?)
            }
            C::ErrorContextDrop => AsyncOp::ErrorContextDrop,
            C::ThreadIndex => AsyncOp::ThreadIndex,
            C::ThreadNewIndirect { table_index, .. } => AsyncOp::ThreadNewIndirect {
                table: sp.core_tables[*table_index as usize].clone(),
            },
            C::ThreadResumeLater => AsyncOp::ThreadResumeLater,
            C::ThreadSuspend => AsyncOp::ThreadSuspend,
            C::ThreadYieldThenResume => AsyncOp::ThreadSwitch { yielding: true },
            C::ThreadSuspendThenResume => AsyncOp::ThreadSwitch { yielding: false },
            C::ThreadYieldThenPromote => AsyncOp::ThreadPromote { yielding: true },
            C::ThreadSuspendThenPromote => AsyncOp::ThreadPromote { yielding: false },
            other => {
                return Err(Error::unsupported(format!(
                    "canonical built-in `{}`",
                    builtin_name(other)
                )))
            }
        })
    }
}

pub(super) fn check_supported(ty: &FuncType) -> Result<()> {
    for (name, t) in &ty.params {
        if let Some(f) = t.unsupported_feature() {
            return Err(Error::unsupported(f).in_path(format!("param `{name}`")));
        }
    }
    if let Some(f) = ty.result.as_ref().and_then(|t| t.unsupported_feature()) {
        return Err(Error::unsupported(f).in_path("result"));
    }
    Ok(())
}

pub(super) fn builtin_name(c: &CanonicalFunction) -> String {
    let dbg = format!("{c:?}");
    let name = dbg.split([' ', '{', '(']).next().unwrap_or("?");
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() {
            if i > 0 {
                out.push(if out.contains('.') { '-' } else { '.' });
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

pub(super) fn canon_opts(sp: &Spaces<'_>, options: &[CanonicalOption]) -> Result<CanonOpts> {
    let mut o = CanonOpts {
        string_encoding: StringEncoding::Utf8,
        memory: None,
        realloc: None,
        post_return: None,
        is_async: false,
        callback: None,
    };
    for opt in options {
        match opt {
            CanonicalOption::UTF8 => o.string_encoding = StringEncoding::Utf8,
            CanonicalOption::UTF16 => o.string_encoding = StringEncoding::Utf16,
            CanonicalOption::CompactUTF16 => o.string_encoding = StringEncoding::Latin1Utf16,
            CanonicalOption::Memory(i) => o.memory = Some(sp.core_memories[*i as usize].clone()),
            CanonicalOption::Realloc(i) => o.realloc = Some(sp.core_funcs[*i as usize].clone()),
            CanonicalOption::PostReturn(i) => {
                o.post_return = Some(sp.core_funcs[*i as usize].clone())
            }
            CanonicalOption::Async => o.is_async = true,
            CanonicalOption::Callback(i) => o.callback = Some(sp.core_funcs[*i as usize].clone()),
            CanonicalOption::CoreType(_) => {}
            CanonicalOption::Gc => return Err(Error::unsupported("the `gc` canonical option")),
        }
    }
    Ok(o)
}
