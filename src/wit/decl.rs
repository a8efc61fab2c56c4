//! Declarations inside one `.d.ts` file: what a [`DeclFile`] (the body of
//! the file owned by an interface or by the world) collects — its functions,
//! type declarations (records, flags, enums, variants, aliases), resource
//! classes and the helper aliases they need, with WIT docs as JSDoc — and
//! the text it ends as.

use wit_parser::{Function, FunctionKind, TypeDefKind, TypeId, TypeOwner, WorldItem};

use super::file::{Class, DeclFile, FileNames};
use super::ts::{nullable_payload, thrown_result};
use crate::names;
use crate::{Error, Result};

/// How a function is declared.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum FuncStyle {
    /// `export function f(...): R;` at the top level of a module.
    Declaration,
    /// `f(...): R,` as a member of an object type (`interface Root`).
    Member,
}

/// A function's signature as TypeScript.
struct Signature {
    params: String,
    ret: String,
    /// JSDoc tags (`@throws`).
    tags: Vec<String>,
}

/// Formats doc text (plus extra tag lines) as a JSDoc block.
pub(crate) fn jsdoc(out: &mut String, indent: &str, docs: Option<&str>, tags: &[String]) {
    let lines: Vec<&str> = docs
        .map(|d| d.trim_end().lines().collect())
        .unwrap_or_default();
    if lines.is_empty() && tags.is_empty() {
        return;
    }
    out.push_str(indent);
    out.push_str("/**\n");
    let mut push = |line: &str| {
        out.push_str(indent);
        if line.is_empty() {
            out.push_str(" *\n");
        } else {
            // `*/` would end the comment early.
            out.push_str(" * ");
            out.push_str(&line.replace("*/", "*\\/"));
            out.push('\n');
        }
    };
    for line in &lines {
        push(line);
    }
    if !lines.is_empty() && !tags.is_empty() {
        push("");
    }
    for tag in tags {
        push(tag);
    }
    out.push_str(indent);
    out.push_str(" */\n");
}

impl<'a> DeclFile<'a> {
    /// `iface#func` (or a world function's name) for `--async-mode jspi`'s lists.
    fn qualified_name(&self, func: &Function) -> String {
        match self.scope {
            TypeOwner::Interface(id) => match self.resolve.id_of(id) {
                Some(iface) => format!("{iface}#{}", func.name),
                None => func.name.clone(),
            },
            _ => func.name.clone(),
        }
    }

    /// The return type as JSPI mode changes it: `Promise<T>` for an export
    /// listed in `--async-exports`, `T | Promise<T>` for a listed import.
    fn jspi_ret(&mut self, func: &Function, ret: String, import: bool) -> String {
        let Some(opts) = &self.jspi else { return ret };
        let name = self.qualified_name(func);
        let (is_export, is_import) = (
            !import && opts.is_async_export(&name),
            import && opts.is_async_import(&name),
        );
        if is_export {
            format!("{}<{ret}>", self.global("Promise"))
        } else if is_import {
            format!("{ret} | {}<{ret}>", self.global("Promise"))
        } else {
            ret
        }
    }

    /// Declares the named type `id` (owned by this file's scope).
    pub fn typedef(&mut self, id: TypeId, names: &mut FileNames) -> Result<()> {
        let def = &self.resolve.types[id];
        let wit_name = def.name.as_deref().unwrap_or_default();
        let name = names::type_name(wit_name);
        let docs = def.docs.contents.as_deref();
        let mut out = String::new();
        match &def.kind {
            TypeDefKind::Record(record) => {
                jsdoc(&mut out, "", docs, &[]);
                out.push_str(&format!("export interface {name} {{\n"));
                for field in &record.fields {
                    jsdoc(&mut out, "  ", field.docs.contents.as_deref(), &[]);
                    let key = names::property_key(&names::lower_camel(&field.name));
                    match nullable_payload(self.resolve, &field.ty) {
                        Some(payload) => {
                            let ty = self.ty(payload, names)?.text;
                            out.push_str(&format!("  {key}?: {ty},\n"));
                        }
                        None => {
                            let ty = self.ty(&field.ty, names)?.text;
                            out.push_str(&format!("  {key}: {ty},\n"));
                        }
                    }
                }
                out.push_str("}\n");
            }
            TypeDefKind::Flags(_) if self.style().bigint_flags() => {
                jsdoc(&mut out, "", docs, &[]);
                out.push_str(&format!("export type {name} = bigint;\n"));
            }
            TypeDefKind::Flags(flags) => {
                jsdoc(&mut out, "", docs, &[]);
                out.push_str(&format!("export interface {name} {{\n"));
                for flag in &flags.flags {
                    jsdoc(&mut out, "  ", flag.docs.contents.as_deref(), &[]);
                    let key = names::property_key(&names::lower_camel(&flag.name));
                    out.push_str(&format!("  {key}?: boolean,\n"));
                }
                out.push_str("}\n");
            }
            TypeDefKind::Enum(e) => {
                // Case docs go into the type's doc comment (a union of string
                // literals has nowhere else to put them), like jco.
                let mut text = String::new();
                if let Some(docs) = docs {
                    text.push_str(docs.trim_end());
                    text.push_str("\n\n");
                }
                text.push_str("# Variants\n");
                for case in &e.cases {
                    text.push_str(&format!("\n## `\"{}\"`\n", case.name));
                    if let Some(docs) = &case.docs.contents {
                        text.push('\n');
                        text.push_str(docs.trim_end());
                        text.push('\n');
                    }
                }
                jsdoc(&mut out, "", Some(&text), &[]);
                let style = self.style();
                let cases: Vec<String> = e
                    .cases
                    .iter()
                    .map(|c| style.enum_literal(&c.name))
                    .collect();
                let cases = if cases.is_empty() {
                    "never".to_string()
                } else {
                    cases.join(" | ")
                };
                out.push_str(&format!("export type {name} = {cases};\n"));
            }
            TypeDefKind::Variant(v)
                if self.jspi.as_ref().is_some_and(|o| o.variants_inline_cases) =>
            {
                jsdoc(&mut out, "", docs, &[]);
                out.push_str(&format!("export type {name} ="));
                if v.cases.is_empty() {
                    out.push_str(" never");
                }
                for case in &v.cases {
                    out.push_str(&format!(
                        "\n  | {{\n    tag: {},\n",
                        names::quote(&case.name)
                    ));
                    if let Some(ty) = &case.ty {
                        let ty = self.ty(ty, names)?.text;
                        out.push_str(&format!("    val: {ty},\n"));
                    }
                    out.push_str("  }");
                }
                out.push_str(";\n");
            }
            TypeDefKind::Variant(v) => {
                jsdoc(&mut out, "", docs, &[]);
                let case_names = self.case_names.get(&id).cloned().unwrap_or_default();
                let union = if case_names.is_empty() {
                    "never".to_string()
                } else {
                    case_names.join(" | ")
                };
                out.push_str(&format!("export type {name} = {union};\n"));
                for (case, case_name) in v.cases.iter().zip(&case_names) {
                    jsdoc(&mut out, "", case.docs.contents.as_deref(), &[]);
                    out.push_str(&format!("export interface {case_name} {{\n"));
                    out.push_str(&format!("  tag: {},\n", names::quote(&case.name)));
                    if let Some(ty) = &case.ty {
                        let ty = self.ty(ty, names)?.text;
                        out.push_str(&format!("  val: {ty},\n"));
                    }
                    out.push_str("}\n");
                }
            }
            TypeDefKind::Resource => {
                self.class(id);
                return Ok(());
            }
            TypeDefKind::Unknown => return Err(Error::invalid("unresolved type", None)),
            // Tuples, options, results, lists, maps, handles, futures,
            // streams and aliases are type aliases of their structure.
            kind => {
                jsdoc(&mut out, "", docs, &[]);
                let ty = self.kind(kind, names)?.text;
                out.push_str(&format!("export type {name} = {ty};\n"));
            }
        }
        out.push_str(&self.namespace_decl(&name, id, names)?);
        self.body.push_str(&out);
        Ok(())
    }

    fn class(&mut self, id: TypeId) -> &mut Class {
        let pos = match self.classes.iter().position(|(c, _)| *c == id) {
            Some(pos) => pos,
            None => {
                let def = &self.resolve.types[id];
                self.classes.push((
                    id,
                    Class {
                        name: names::type_name(def.name.as_deref().unwrap_or_default()),
                        docs: def.docs.clone(),
                        has_constructor: false,
                        members: String::new(),
                    },
                ));
                self.classes.len() - 1
            }
        };
        &mut self.classes[pos].1
    }

    /// Declares a function: freestanding ones per `style`, resource functions
    /// as members of their class.
    /// Parameters, return type and JSDoc tags of a function's signature.
    /// `import`: the host implements the function (its params flow to JS,
    /// its result from JS), else the component does.
    fn signature(
        &mut self,
        func: &Function,
        names: &mut FileNames,
        import: bool,
    ) -> Result<Signature> {
        let resolve = self.resolve;
        let skip_self = matches!(
            func.kind,
            FunctionKind::Method(_) | FunctionKind::AsyncMethod(_)
        );
        let mut params = Vec::new();
        // Streams and futures JS hands in may be given in more shapes than JS gets back.
        self.js_provides = !import;
        for param in func.params.iter().skip(usize::from(skip_self)) {
            let ty = self.ty(&param.ty, names)?.text;
            params.push(format!("{}: {ty}", names::param_name(&param.name)));
        }
        if func.kind.is_async() {
            // The glue's trailing argument: a cancellation signal.
            let signal = self.global("AbortSignal");
            params.push(if import {
                format!("options: {{ signal: {signal} }}")
            } else {
                format!("options?: {{ signal?: {signal} }}")
            });
        }
        self.js_provides = import;
        let params = params.join(", ");

        let mut tags = Vec::new();
        let mut ret = match thrown_result(resolve, func) {
            Some((ok, err)) => {
                // The glue throws a `ComponentError` carrying the err value.
                tags.push(match &err {
                    Some(err) => format!(
                        "@throws {{ComponentError}} with `payload` of type `{}`",
                        self.ty(err, names)?.text
                    ),
                    None => "@throws {ComponentError} with no `payload`".to_string(),
                });
                self.optional_ty(ok.as_ref(), names)?.text
            }
            None => self.optional_ty(func.result.as_ref(), names)?.text,
        };
        if func.kind.is_async() {
            let promise = self.global("Promise");
            ret = if import {
                // a host function may return the value or a Promise of it
                format!("{ret} | {promise}<{ret}>")
            } else {
                format!("{promise}<{ret}>")
            };
        }
        self.js_provides = false;
        Ok(Signature { params, ret, tags })
    }

    /// The `ImportObject` type of an imported world function: the glue takes
    /// the function itself or an object with it as `default` (jco's form).
    /// Returns the arrow type and the object type's member lines.
    pub fn import_function(
        &mut self,
        func: &Function,
        names: &mut FileNames,
    ) -> Result<(String, String)> {
        let Signature { params, ret, tags } = self.signature(func, names, true)?;
        let ret = self.jspi_ret(func, ret, true);
        let mut members = String::new();
        jsdoc(&mut members, "", func.docs.contents.as_deref(), &tags);
        members.push_str(&format!("default({params}): {ret},\n"));
        Ok((format!("({params}) => {ret}"), members))
    }

    /// Declares a function: freestanding ones per `style`, resource functions
    /// as members of their class.
    pub fn function(
        &mut self,
        func: &Function,
        style: FuncStyle,
        names: &mut FileNames,
    ) -> Result<()> {
        let import = !self.exported;
        let Signature { params, ret, tags } = self.signature(func, names, import)?;
        let ret = self.jspi_ret(func, ret, import);
        let docs = func.docs.contents.as_deref();

        match func.kind {
            FunctionKind::Freestanding | FunctionKind::AsyncFreestanding => {
                let (name, reserved) = names::function_name(func.item_name());
                let mut out = String::new();
                match style {
                    FuncStyle::Declaration => {
                        jsdoc(&mut out, "", docs, &tags);
                        if reserved {
                            out.push_str(&format!("export {{ _{name} as {name} }};\n"));
                            out.push_str(&format!("declare function _{name}({params}): {ret};\n"));
                        } else {
                            out.push_str(&format!("export function {name}({params}): {ret};\n"));
                        }
                    }
                    FuncStyle::Member => {
                        jsdoc(&mut out, "  ", docs, &tags);
                        let key = names::property_key(&name);
                        out.push_str(&format!("  {key}({params}): {ret},\n"));
                    }
                }
                match style {
                    FuncStyle::Declaration => self.body.push_str(&out),
                    FuncStyle::Member => self.members.push_str(&out),
                }
            }
            FunctionKind::Method(r)
            | FunctionKind::AsyncMethod(r)
            | FunctionKind::Static(r)
            | FunctionKind::AsyncStatic(r)
            | FunctionKind::Constructor(r) => {
                let class = self.class(r);
                jsdoc(&mut class.members, "  ", docs, &tags);
                let member = match func.kind {
                    FunctionKind::Constructor(_) => {
                        class.has_constructor = true;
                        format!("  constructor({params});\n")
                    }
                    FunctionKind::Static(_) | FunctionKind::AsyncStatic(_) => {
                        let key = names::property_key(&names::lower_camel(func.item_name()));
                        format!("  static {key}({params}): {ret};\n")
                    }
                    _ => {
                        let key = names::property_key(&names::lower_camel(func.item_name()));
                        format!("  {key}({params}): {ret};\n")
                    }
                };
                class.members.push_str(&member);
            }
            FunctionKind::Getter
            | FunctionKind::Setter
            | FunctionKind::MethodGetter(_)
            | FunctionKind::MethodSetter(_)
            | FunctionKind::StaticGetter(_)
            | FunctionKind::StaticSetter(_) => {
                return Err(Error::unsupported("WIT getter and setter functions"));
            }
        }
        Ok(())
    }

    /// Whether anything has been declared.
    pub fn is_empty(&self) -> bool {
        self.body.is_empty() && self.helpers.is_empty() && self.classes.is_empty()
    }

    /// Whether the component exports resource `id` (its glue hands out the
    /// instances): in an interface file, whether the interface is exported;
    /// in the root file, whether the world exports the type.
    fn is_exported(&self, id: TypeId) -> bool {
        match self.scope {
            TypeOwner::World(w) => self.resolve.worlds[w]
                .exports
                .values()
                .any(|item| matches!(item, WorldItem::Type { id: t, .. } if *t == id)),
            _ => self.exported,
        }
    }

    /// Appends the helper aliases and resource classes and returns the text.
    pub fn finish(mut self) -> String {
        for helper in &self.helpers {
            let decl = helper.declaration(&self.helper_name(*helper));
            self.body.push_str(&decl);
        }
        // Classes go last, sorted by name (as jco does). Instances the glue
        // hands out (exported resources) can be disposed.
        self.classes.sort_by(|(_, a), (_, b)| a.name.cmp(&b.name));
        let disposable = format!(" implements {}", self.global("Disposable"));
        for (id, class) in &self.classes {
            let exported = self.is_exported(*id);
            let implements = if exported { disposable.as_str() } else { "" };
            self.body.push('\n');
            jsdoc(&mut self.body, "", class.docs.contents.as_deref(), &[]);
            self.body
                .push_str(&format!("export class {}{implements} {{\n", class.name));
            if !class.has_constructor {
                self.body
                    .push_str("  /**\n   * This type does not have a public constructor.\n   */\n");
                self.body.push_str("  private constructor();\n");
            }
            self.body.push_str(&class.members);
            if exported {
                self.body.push_str("  [Symbol.dispose](): void;\n");
            }
            self.body.push_str("}\n");
        }
        self.body
    }
}
