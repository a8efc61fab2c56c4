//! TypeScript type expressions for WIT types, as written in one declaration
//! file: primitives, typed arrays, options (jco's nullable rule), results,
//! tuples, maps, futures, streams, handles and references to named types
//! (local by name, foreign as `import('./other.js').Name`). Also the helper
//! aliases (`Option`, `Result`, `ErrorContext`) and global names a file needs.

use wit_parser::{Function, Handle, Resolve, Type, TypeDefKind, TypeId, TypeOwner};

use super::file::{DeclFile, FileNames, Helper};
use crate::names;
use crate::{Error, Result};

/// Whether a printed type needs parentheses as an array element.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prec {
    Atom,
    /// `A | B` or `A & B`.
    Compound,
}

/// The TypeScript type a WIT type maps to, plus how tightly it binds.
pub(super) struct Ts {
    pub text: String,
    prec: Prec,
}

impl Ts {
    fn atom(text: impl Into<String>) -> Ts {
        Ts {
            text: text.into(),
            prec: Prec::Atom,
        }
    }
    fn compound(text: String) -> Ts {
        Ts {
            text,
            prec: Prec::Compound,
        }
    }
}

/// If `ty` is an `option<T>` represented as `T | undefined`, returns T: that
/// is unless T is itself an option (through aliases), in which case the
/// outer option is tagged, `Option<T>` (the glue's rule; jco differs only
/// from three nested options on, keeping the outermost one nullable).
pub(super) fn nullable_payload<'r>(resolve: &'r Resolve, ty: &Type) -> Option<&'r Type> {
    let Type::Id(id) = ty else { return None };
    match &resolve.types[*id].kind {
        TypeDefKind::Option(payload) if !is_option(resolve, payload) => Some(payload),
        TypeDefKind::Type(inner) => nullable_payload(resolve, inner),
        _ => None,
    }
}

/// Whether `ty` is an `option` (through aliases).
fn is_option(resolve: &Resolve, ty: &Type) -> bool {
    let Type::Id(id) = ty else { return false };
    match &resolve.types[*id].kind {
        TypeDefKind::Option(_) => true,
        TypeDefKind::Type(inner) => is_option(resolve, inner),
        _ => false,
    }
}

/// The typed array used for `list<T>` of a numeric T (through aliases).
fn typed_array(resolve: &Resolve, ty: &Type) -> Option<&'static str> {
    Some(match ty {
        Type::U8 => "Uint8Array",
        Type::S8 => "Int8Array",
        Type::U16 => "Uint16Array",
        Type::S16 => "Int16Array",
        Type::U32 => "Uint32Array",
        Type::S32 => "Int32Array",
        Type::U64 => "BigUint64Array",
        Type::S64 => "BigInt64Array",
        Type::F32 => "Float32Array",
        Type::F64 => "Float64Array",
        Type::Id(id) => match &resolve.types[*id].kind {
            TypeDefKind::Type(inner) => return typed_array(resolve, inner),
            _ => return None,
        },
        _ => return None,
    })
}

/// If a function returns a `result<T, E>` (through aliases too), the glue
/// returns T and throws a `ComponentError` carrying E: returns `(T, E)`.
pub(super) fn thrown_result(
    resolve: &Resolve,
    func: &Function,
) -> Option<(Option<Type>, Option<Type>)> {
    let mut ty = func.result?;
    loop {
        let Type::Id(id) = ty else { return None };
        match &resolve.types[id].kind {
            TypeDefKind::Result(r) => return Some((r.ok, r.err)),
            TypeDefKind::Type(inner) => ty = *inner,
            _ => return None,
        }
    }
}

impl DeclFile<'_> {
    /// A global type (`Map`, `Uint8Array`, ...), qualified with `globalThis.`
    /// if a WIT type of the same name is declared in this file.
    pub fn global(&self, name: &str) -> String {
        if self.locals.contains(name) {
            format!("globalThis.{name}")
        } else {
            name.to_string()
        }
    }

    /// Records the use of a helper type and returns its name in this file.
    pub(super) fn helper(&mut self, helper: Helper) -> String {
        self.helpers.insert(helper);
        self.helper_name(helper)
    }

    pub(super) fn helper_name(&self, helper: Helper) -> String {
        let mut name = helper.base_name().to_string();
        while self.locals.contains(&name) {
            name.push('$');
        }
        name
    }

    pub(super) fn name_of(&self, id: TypeId, names: &mut FileNames) -> Result<Ts> {
        let def = &self.resolve.types[id];
        let Some(name) = &def.name else {
            return Err(Error::invalid(
                format!("anonymous {} type", def.kind.as_str()),
                None,
            ));
        };
        let local = names::type_name(name);
        if def.owner == self.scope {
            return Ok(Ts::atom(local));
        }
        match def.owner {
            TypeOwner::Interface(iface) => {
                let stem = names.stem(self.resolve, iface, None);
                Ok(Ts::atom(format!(
                    "import('{}').{local}",
                    self.path_to(&stem)
                )))
            }
            // World types are only visible from the root file, where the
            // scope is the world; anything else is a malformed resolve.
            _ => Err(Error::invalid(
                format!("type `{name}` used outside its world"),
                None,
            )),
        }
    }

    pub(super) fn ty(&mut self, ty: &Type, names: &mut FileNames) -> Result<Ts> {
        Ok(match ty {
            Type::Bool => Ts::atom("boolean"),
            Type::U8
            | Type::S8
            | Type::U16
            | Type::S16
            | Type::U32
            | Type::S32
            | Type::F32
            | Type::F64 => Ts::atom("number"),
            Type::U64 | Type::S64 => Ts::atom("bigint"),
            Type::Char | Type::String => Ts::atom("string"),
            Type::ErrorContext => Ts::atom(self.helper(Helper::ErrorContext)),
            Type::Id(id) => {
                let def = &self.resolve.types[*id];
                if def.name.is_some() {
                    return self.name_of(*id, names);
                }
                self.kind(&def.kind, names)?
            }
        })
    }

    pub(super) fn optional_ty(&mut self, ty: Option<&Type>, names: &mut FileNames) -> Result<Ts> {
        match ty {
            Some(ty) => self.ty(ty, names),
            None => Ok(Ts::atom("void")),
        }
    }

    fn list(&mut self, elem: &Type, names: &mut FileNames) -> Result<Ts> {
        if let Some(array) = typed_array(self.resolve, elem) {
            return Ok(Ts::atom(self.global(array)));
        }
        let elem = self.ty(elem, names)?;
        Ok(Ts::atom(match elem.prec {
            Prec::Atom => format!("{}[]", elem.text),
            Prec::Compound => format!("({})[]", elem.text),
        }))
    }

    /// The structural type of an anonymous (or aliased) type definition.
    pub(super) fn kind(&mut self, kind: &TypeDefKind, names: &mut FileNames) -> Result<Ts> {
        Ok(match kind {
            TypeDefKind::Type(t) => self.ty(t, names)?,
            TypeDefKind::Tuple(t) => {
                let mut parts = Vec::new();
                for ty in &t.types {
                    parts.push(self.ty(ty, names)?.text);
                }
                Ts::atom(format!("[{}]", parts.join(", ")))
            }
            TypeDefKind::Option(payload) => {
                let inner = self.ty(payload, names)?.text;
                if is_option(self.resolve, payload) {
                    Ts::atom(format!("{}<{inner}>", self.helper(Helper::Option)))
                } else {
                    Ts::compound(format!("{inner} | undefined"))
                }
            }
            TypeDefKind::Result(r) => {
                let ok = self.optional_ty(r.ok.as_ref(), names)?.text;
                let err = self.optional_ty(r.err.as_ref(), names)?.text;
                Ts::atom(format!("{}<{ok}, {err}>", self.helper(Helper::Result)))
            }
            TypeDefKind::List(elem) => self.list(elem, names)?,
            // The glue lifts fixed-length lists to plain arrays of exactly
            // `len` elements (no typed arrays), like jco: a tuple type.
            TypeDefKind::FixedLengthList(elem, len) => {
                let elem = self.ty(elem, names)?.text;
                let items = vec![elem; *len as usize];
                Ts::atom(format!("[{}]", items.join(", ")))
            }
            TypeDefKind::Map(k, v) => {
                let k = self.ty(k, names)?.text;
                let v = self.ty(v, names)?.text;
                Ts::atom(format!("{}<{k}, {v}>", self.global("Map")))
            }
            TypeDefKind::Future(t) => {
                let t = self.optional_ty(t.as_ref(), names)?.text;
                let promise = self.global("Promise");
                if self.js_provides {
                    Ts::compound(format!("{promise}<{t}> | {t}"))
                } else {
                    Ts::atom(format!("{promise}<{t}>"))
                }
            }
            TypeDefKind::Stream(t) => {
                // `stream<u8>` travels in Uint8Array chunks.
                let bytes = matches!(t, Some(Type::U8));
                let t = if bytes {
                    self.global("Uint8Array")
                } else {
                    self.optional_ty(t.as_ref(), names)?.text
                };
                let (stream, iter) = (self.global("ReadableStream"), self.global("AsyncIterable"));
                if self.js_provides {
                    let sync_iter = self.global("Iterable");
                    let extra = if bytes {
                        format!(" | {}", self.global("Uint8Array"))
                    } else {
                        String::new()
                    };
                    Ts::compound(format!(
                        "{stream}<{t}> | {iter}<{t}> | {sync_iter}<{t}>{extra}"
                    ))
                } else {
                    // also `next()`/`return()` on the stream itself (as jco's)
                    let it = self.global("AsyncIterator");
                    Ts::compound(format!("{stream}<{t}> & {iter}<{t}> & {it}<{t}>"))
                }
            }
            TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => self.name_of(*r, names)?,
            TypeDefKind::Record(_)
            | TypeDefKind::Flags(_)
            | TypeDefKind::Variant(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Resource => {
                return Err(Error::invalid(
                    format!("anonymous {} type", kind.as_str()),
                    None,
                ))
            }
            TypeDefKind::Unknown => return Err(Error::invalid("unresolved type", None)),
        })
    }
}
