//! Guest declarations (`weft guest-types`, jco's `guest-types`): the types a
//! component author needs to implement a world in JS. The files and names are
//! those of the host `.d.ts` (`dts`), but each file becomes an ambient module
//! named by its WIT id (`declare module 'ns:pkg/iface@1.0.0' { ... }`), so the
//! author's code imports what the world imports by that id, and the world's
//! module declares what the author exports. Files point at each other by id
//! and by `/// <reference path>` instead of relative `.js` paths.

use std::collections::{BTreeSet, HashMap};

use crate::{Error, OutputFile, Result};

/// Rewrites the host `.d.ts` files of one world (ESM mode) into guest form.
pub(super) fn guest_files(files: Vec<OutputFile>) -> Result<Vec<OutputFile>> {
    let texts = files
        .into_iter()
        .map(|f| {
            let text = String::from_utf8(f.contents)
                .map_err(|_| Error::invalid("generated .d.ts is not UTF-8", None))?;
            let (id, docs, body) = split_header(&text).ok_or_else(|| {
                Error::invalid(
                    format!("{}: no module header in generated .d.ts", f.path),
                    None,
                )
            })?;
            Ok((f.path, id, docs, body))
        })
        .collect::<Result<Vec<_>>>()?;
    let ids: HashMap<&str, &str> = texts
        .iter()
        .map(|(path, id, ..)| (path.as_str(), id.as_str()))
        .collect();
    Ok(texts
        .iter()
        .map(|(path, id, docs, body)| OutputFile {
            path: path.clone(),
            contents: ambient_module(path, id, docs, body, &ids).into_bytes(),
        })
        .collect())
}

/// The module id, the doc comment to keep and the declarations of one host
/// file: the root starts `// world <id>`, an interface file with a doc
/// comment holding `@module Interface <id>`.
fn split_header(text: &str) -> Option<(String, String, String)> {
    if let Some(rest) = text.strip_prefix("// world ") {
        let (id, body) = rest.split_once('\n')?;
        return Some((id.to_string(), String::new(), body.to_string()));
    }
    const TAG: &str = "@module Interface ";
    let first = text.lines().next()?;
    if let Some(id) = first
        .strip_prefix("/** ")
        .and_then(|l| l.strip_suffix(" **/"))
    {
        let body = &text[first.len() + 1..];
        return Some((
            id.strip_prefix(TAG)?.to_string(),
            String::new(),
            body.to_string(),
        ));
    }
    // A doc comment: `/**`, ` * @module Interface <id>`, ` *`, the docs, ` */`.
    let end = text.find("\n */\n")? + "\n */\n".len();
    let mut lines = text[..end].lines();
    let (open, tag) = (lines.next()?, lines.next()?);
    let id = tag.strip_prefix(" * ")?.strip_prefix(TAG)?;
    let rest: Vec<&str> = lines.skip_while(|l| l.trim() == "*").collect();
    let docs = format!("{open}\n{}\n", rest.join("\n"));
    Some((id.to_string(), docs, text[end..].to_string()))
}

/// `declare module '<id>' { ... }` with every `'./…/<stem>.js'` path to
/// another generated file replaced by that file's id and referenced.
fn ambient_module(
    path: &str,
    id: &str,
    docs: &str,
    body: &str,
    ids: &HashMap<&str, &str>,
) -> String {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut refs = BTreeSet::new();
    let mut rewritten = String::new();
    let mut rest = body;
    while let Some(start) = rest.find("'./") {
        rewritten.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find(".js'") else { break };
        let rel = &after[..end];
        let target = join(dir, rel.trim_start_matches("./"));
        match ids.get(format!("{target}.d.ts").as_str()) {
            Some(other) => {
                refs.insert(format!("{rel}.d.ts"));
                rewritten.push_str(&format!("'{other}'"));
            }
            None => rewritten.push_str(&rest[start..start + end + 5]),
        }
        rest = &after[end + 4..];
    }
    rewritten.push_str(rest);
    let mut out: String = refs
        .iter()
        .map(|r| format!("/// <reference path=\"{r}\" />\n"))
        .collect();
    out.push_str(docs);
    out.push_str(&format!("declare module '{id}' {{\n"));
    for line in rewritten.lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn wraps_files_in_modules_named_by_id() {
        let files = vec![
            file(
                "w.d.ts",
                "// world a:b/w\nexport type * as I from './interfaces/a-b-i.js'; // import a:b/i\n",
            ),
            file(
                "interfaces/a-b-i.d.ts",
                "/**\n * @module Interface a:b/i\n *\n * Docs.\n */\nexport type T = import('./a-b-j.js').T;\n",
            ),
            file("interfaces/a-b-j.d.ts", "/** @module Interface a:b/j **/\nexport type T = number;\n"),
        ];
        let out = guest_files(files).unwrap();
        let text = |i: usize| String::from_utf8(out[i].contents.clone()).unwrap();
        assert_eq!(
            text(0),
            "/// <reference path=\"./interfaces/a-b-i.d.ts\" />\ndeclare module 'a:b/w' {\n  export type * as I from 'a:b/i'; // import a:b/i\n}\n"
        );
        assert_eq!(
            text(1),
            "/// <reference path=\"./a-b-j.d.ts\" />\n/**\n * Docs.\n */\ndeclare module 'a:b/i' {\n  export type T = import('a:b/j').T;\n}\n"
        );
        assert_eq!(
            text(2),
            "declare module 'a:b/j' {\n  export type T = number;\n}\n"
        );
    }

    #[test]
    fn a_file_without_header_is_an_error() {
        assert!(guest_files(vec![file("x.d.ts", "export {};\n")]).is_err());
    }
}
