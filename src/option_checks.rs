//! Checks of the user's options against the component, before anything is
//! written: output names stay inside the output directory, and the
//! `--async-imports`/`--async-exports` lists are used (JSPI mode) and each
//! name a function the component imports or exports.

use crate::options::{unversioned, AsyncMode, TranspileOptions};
use crate::plan::{Callee, ExportItem, Plan};
use crate::{Error, Result};

/// `--name`: a plain file name, so `<name>.js` and friends land in `-o`.
pub fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
        return Err(Error::io(format!(
            "--name `{name}`: expected a file name without `/`, `\\` or `..` (output stays inside the output directory)"
        )));
    }
    Ok(())
}

/// The async lists need `--async-mode jspi`; this needs no component.
pub fn check_async_mode(opts: &TranspileOptions) -> Result<()> {
    if opts.async_mode == AsyncMode::Jspi {
        return Ok(());
    }
    for (flag, list) in [
        ("--async-imports", &opts.async_imports),
        ("--async-exports", &opts.async_exports),
    ] {
        if !list.is_empty() {
            return Err(Error::io(format!(
                "{flag} has no effect without --async-mode jspi"
            )));
        }
    }
    Ok(())
}

/// Every listed name is an imported (or exported) function of the component.
pub fn check_async_lists(plan: &Plan, opts: &TranspileOptions) -> Result<()> {
    check_async_mode(opts)?;
    let imports: Vec<String> = plan
        .lowered
        .iter()
        .filter_map(|l| match &l.callee {
            Callee::Host { import, path } => Some(plan.host_func_name(*import, path)),
            Callee::Lifted(_) => None,
        })
        .collect();
    let mut exports = Vec::new();
    for (name, item) in &plan.exports {
        match item {
            ExportItem::Func(..) => exports.push(name.clone()),
            ExportItem::Instance(items) => exports.extend(
                items
                    .iter()
                    .filter(|(_, i)| matches!(i, ExportItem::Func(..)))
                    .map(|(n, _)| format!("{name}#{n}")),
            ),
            ExportItem::Resource(_) => {}
        }
    }
    check_list("--async-imports", "imports", &opts.async_imports, &imports)?;
    check_list("--async-exports", "exports", &opts.async_exports, &exports)
}

fn check_list(flag: &str, what: &str, list: &[String], have: &[String]) -> Result<()> {
    for wanted in list {
        let w = unversioned(wanted);
        if !have.iter().any(|h| unversioned(h) == w) {
            let mut known: Vec<String> = have.iter().map(|h| unversioned(h)).collect();
            known.sort();
            known.dedup();
            let known = match known.len() {
                0 => format!("it {what} no functions"),
                n if n <= 8 => format!("it {what}: {}", known.join(", ")),
                n => format!("it {what} {n} functions, e.g. {}", known[..8].join(", ")),
            };
            return Err(Error::io(format!(
                "{flag} `{wanted}`: the component {what} no such function ({known})"
            )));
        }
    }
    Ok(())
}
