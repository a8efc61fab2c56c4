//! Component value and function types as the glue sees them: fully resolved
//! trees with no type indices, converted once from the validator's type arena;
//! and the core value types they flatten to.

use wasmparser::component_types::{
    ComponentDefinedType, ComponentFuncTypeId, ComponentValType, ResourceId,
};
use wasmparser::{types::TypesRef, PrimitiveValType};

/// A resource type's run-time identity: an index into `Plan::resources`
/// (one per definition per instantiation).
pub type ResourceKey = usize;

/// A core wasm value type in a flattened signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoreTy {
    I32,
    I64,
    F32,
    F64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValType {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    ErrorContext,
    List(Box<ValType>),
    FixedList(Box<ValType>, u32),
    Map(Box<ValType>, Box<ValType>),
    Record(Vec<(String, ValType)>),
    Tuple(Vec<ValType>),
    Variant(Vec<(String, Option<ValType>)>),
    Enum(Vec<String>),
    Option(Box<ValType>),
    Result(Option<Box<ValType>>, Option<Box<ValType>>),
    Flags(Vec<String>),
    Own(ResourceKey),
    Borrow(ResourceKey),
    Future(Option<Box<ValType>>),
    Stream(Option<Box<ValType>>),
}

/// A component function type.
#[derive(Debug, Clone, PartialEq)]
pub struct FuncType {
    pub params: Vec<(String, ValType)>,
    pub result: Option<ValType>,
    pub is_async: bool,
}

impl FuncType {
    /// Whether a parameter or the result holds a stream, future or error
    /// context (a handle of the async ABI).
    pub fn passes_async_handles(&self) -> bool {
        let is_handle = |t: &ValType| {
            matches!(
                t,
                ValType::Stream(_) | ValType::Future(_) | ValType::ErrorContext
            )
        };
        (self.params.iter().map(|(_, t)| t))
            .chain(&self.result)
            .any(|t| t.any(&is_handle))
    }
}

impl ValType {
    /// True when `pred` holds for this type or any type nested in it.
    pub fn any(&self, pred: &dyn Fn(&ValType) -> bool) -> bool {
        if pred(self) {
            return true;
        }
        match self {
            ValType::List(t) | ValType::FixedList(t, _) | ValType::Option(t) => t.any(pred),
            ValType::Map(k, v) => k.any(pred) || v.any(pred),
            ValType::Record(fs) => fs.iter().any(|(_, t)| t.any(pred)),
            ValType::Tuple(ts) => ts.iter().any(|t| t.any(pred)),
            ValType::Variant(cs) => cs
                .iter()
                .any(|(_, t)| t.as_ref().is_some_and(|t| t.any(pred))),
            ValType::Result(ok, err) => {
                ok.as_ref().is_some_and(|t| t.any(pred))
                    || err.as_ref().is_some_and(|t| t.any(pred))
            }
            ValType::Future(t) | ValType::Stream(t) => t.as_ref().is_some_and(|t| t.any(pred)),
            _ => false,
        }
    }

    /// True when this type (transitively) needs something weft cannot lift or
    /// lower yet; returns the feature's name.
    pub fn unsupported_feature(&self) -> Option<&'static str> {
        match self {
            ValType::Own(r) | ValType::Borrow(r) if *r == usize::MAX => {
                Some("resource type weft could not resolve")
            }
            ValType::Future(Some(t)) | ValType::Stream(Some(t)) => t.unsupported_feature(),
            ValType::List(t) | ValType::FixedList(t, _) | ValType::Option(t) => {
                t.unsupported_feature()
            }
            ValType::Map(k, v) => k.unsupported_feature().or_else(|| v.unsupported_feature()),
            ValType::Record(fs) => fs.iter().find_map(|(_, t)| t.unsupported_feature()),
            ValType::Tuple(ts) => ts.iter().find_map(|t| t.unsupported_feature()),
            ValType::Variant(cs) => cs
                .iter()
                .find_map(|(_, t)| t.as_ref().and_then(|t| t.unsupported_feature())),
            ValType::Result(ok, err) => ok
                .as_ref()
                .and_then(|t| t.unsupported_feature())
                .or_else(|| err.as_ref().and_then(|t| t.unsupported_feature())),
            _ => None,
        }
    }
}

/// Converts validator types into [`ValType`] trees.
pub struct TypeConverter<'a> {
    pub types: TypesRef<'a>,
    /// The validator's static resource ids, as seen by this component, to run-time resource types.
    pub resources: &'a std::collections::HashMap<ResourceId, ResourceKey>,
}

impl<'a> TypeConverter<'a> {
    pub fn func(&self, id: ComponentFuncTypeId) -> FuncType {
        let f = &self.types[id];
        FuncType {
            params: f
                .params
                .iter()
                .map(|(n, t)| (n.to_string(), self.val(*t)))
                .collect(),
            result: f.result.map(|t| self.val(t)),
            is_async: f.async_,
        }
    }

    pub fn val(&self, t: ComponentValType) -> ValType {
        match t {
            ComponentValType::Primitive(p) => primitive(p),
            ComponentValType::Type(id) => self.defined(&self.types[id]),
        }
    }

    fn resource(&self, id: ResourceId) -> ResourceKey {
        // Every resource a function type mentions was introduced (defined,
        // imported or aliased) before the function, so it is mapped; a miss
        // would be a flattening bug, reported as an out-of-range key.
        self.resources.get(&id).copied().unwrap_or(usize::MAX)
    }

    fn opt(&self, t: Option<ComponentValType>) -> Option<Box<ValType>> {
        t.map(|t| Box::new(self.val(t)))
    }

    fn defined(&self, t: &ComponentDefinedType) -> ValType {
        match t {
            ComponentDefinedType::Primitive(p) => primitive(*p),
            ComponentDefinedType::Record(r) => ValType::Record(
                r.fields
                    .iter()
                    .map(|(n, t)| (n.to_string(), self.val(*t)))
                    .collect(),
            ),
            ComponentDefinedType::Variant(v) => ValType::Variant(
                v.cases
                    .iter()
                    .map(|(n, c)| (n.to_string(), c.ty.map(|t| self.val(t))))
                    .collect(),
            ),
            ComponentDefinedType::List { element, .. } => {
                ValType::List(Box::new(self.val(*element)))
            }
            ComponentDefinedType::Map { key, value, .. } => {
                ValType::Map(Box::new(self.val(*key)), Box::new(self.val(*value)))
            }
            ComponentDefinedType::FixedLengthList {
                element, length, ..
            } => ValType::FixedList(Box::new(self.val(*element)), *length),
            ComponentDefinedType::Tuple(t) => {
                ValType::Tuple(t.types.iter().map(|t| self.val(*t)).collect())
            }
            ComponentDefinedType::Flags(f) => {
                ValType::Flags(f.iter().map(|n| n.to_string()).collect())
            }
            ComponentDefinedType::Enum(e) => {
                ValType::Enum(e.iter().map(|n| n.to_string()).collect())
            }
            ComponentDefinedType::Option { ty, .. } => ValType::Option(Box::new(self.val(*ty))),
            ComponentDefinedType::Result { ok, err, .. } => {
                ValType::Result(self.opt(*ok), self.opt(*err))
            }
            ComponentDefinedType::Own(r) => ValType::Own(self.resource(r.resource())),
            ComponentDefinedType::Borrow(r) => ValType::Borrow(self.resource(r.resource())),
            ComponentDefinedType::Future { ty, .. } => ValType::Future(self.opt(*ty)),
            ComponentDefinedType::Stream { ty, .. } => ValType::Stream(self.opt(*ty)),
        }
    }
}

fn primitive(p: PrimitiveValType) -> ValType {
    match p {
        PrimitiveValType::Bool => ValType::Bool,
        PrimitiveValType::S8 => ValType::S8,
        PrimitiveValType::U8 => ValType::U8,
        PrimitiveValType::S16 => ValType::S16,
        PrimitiveValType::U16 => ValType::U16,
        PrimitiveValType::S32 => ValType::S32,
        PrimitiveValType::U32 => ValType::U32,
        PrimitiveValType::S64 => ValType::S64,
        PrimitiveValType::U64 => ValType::U64,
        PrimitiveValType::F32 => ValType::F32,
        PrimitiveValType::F64 => ValType::F64,
        PrimitiveValType::Char => ValType::Char,
        PrimitiveValType::String => ValType::String,
        PrimitiveValType::ErrorContext => ValType::ErrorContext,
    }
}
