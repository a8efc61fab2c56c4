//! `--minify`: parses the generated glue with swc and prints it back with
//! swc's minifying code generator (no whitespace, no comments). Names are
//! kept, so stack traces stay readable.

use swc_common::{sync::Lrc, FileName, SourceMap};
use swc_ecma_codegen::{text_writer::JsWriter, Config, Emitter};
use swc_ecma_parser::{Parser, StringInput, Syntax};

use crate::{Error, Result};

pub fn minify(js: &str) -> Result<String> {
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Anon), js.to_string());
    let mut parser = Parser::new(
        Syntax::Es(Default::default()),
        StringInput::from(&*fm),
        None,
    );
    let module = parser.parse_module().map_err(|e| {
        Error::invalid(
            format!(
                "internal error: generated JS does not parse: {:?}",
                e.kind()
            ),
            None,
        )
    })?;
    let mut buf = Vec::new();
    {
        let wr = JsWriter::new(cm.clone(), "\n", &mut buf, None);
        let mut emitter = Emitter {
            cfg: Config::default().with_minify(true),
            cm: cm.clone(),
            comments: None,
            wr: Box::new(swc_ecma_codegen::text_writer::omit_trailing_semi(wr)),
        };
        emitter
            .emit_module(&module)
            .map_err(|e| Error::io(format!("printing minified JS: {e}")))?;
    }
    String::from_utf8(buf).map_err(|e| Error::io(format!("minified JS is not UTF-8: {e}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn minifies_and_keeps_semantics_visible() {
        let out =
            super::minify("// c\nfunction f(a, b) {\n  return a + b;\n}\nexport { f as 'x:y' };\n")
                .unwrap();
        assert_eq!(out, "function f(a,b){return a+b}export{f as \"x:y\"};");
    }
}
