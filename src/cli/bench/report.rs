//! `weft bench`'s results: the engines' JSON merged per function (with the
//! ratios), the printed table and the count of failed measurements.

use std::path::Path;

use serde_json::{json, Map, Value};

/// The columns each engine may measure.
pub const COLUMNS: [&str; 3] = ["weft", "native", "jco"];

/// One document: `{ component, engines: [{engine, version}], functions: [{ name,
/// skip?, nativeSkip?, engines: { node: { weft, native, jco, ratio, errors,
/// skip, note, nativeSkip } } }] }`.
pub fn merge(component: &Path, spec: &Value, engines: &[Value]) -> Value {
    let empty = Vec::new();
    let funcs = spec["funcs"].as_array().unwrap_or(&empty);
    let mut functions = Vec::new();
    for (i, f) in funcs.iter().enumerate() {
        if f["kind"] == "constructor" {
            continue;
        }
        let mut out = json!({ "name": f["name"] });
        if let Some(s) = f.get("skip") {
            out["skip"] = s.clone();
            functions.push(out);
            continue;
        }
        if let Some(s) = f.get("nativeSkip") {
            out["nativeSkip"] = s.clone();
        }
        let mut per = Map::new();
        for e in engines {
            let r = &e["results"][i];
            per.insert(
                e["engine"].as_str().unwrap_or("?").to_string(),
                engine_row(r),
            );
        }
        out["engines"] = Value::Object(per);
        functions.push(out);
    }
    json!({
        "component": component.display().to_string(),
        "engines": engines.iter().map(|e| json!({ "engine": e["engine"], "version": e["version"] })).collect::<Vec<_>>(),
        "functions": functions,
    })
}

fn engine_row(r: &Value) -> Value {
    let col = |c: &str| r["columns"].get(c).cloned().unwrap_or(Value::Null);
    let ns = |c: &str| r["columns"][c]["ns"].as_f64();
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => json!(a / b),
        _ => Value::Null,
    };
    json!({
        "weft": col("weft"),
        "native": col("native"),
        "jco": col("jco"),
        "ratio": {
            "weftNative": ratio(ns("weft"), ns("native")),
            "jcoWeft": ratio(ns("jco"), ns("weft")),
        },
        "errors": r.get("errors").cloned().unwrap_or(json!({})),
        "skip": r.get("skip").cloned().unwrap_or(Value::Null),
        // Found only when calling (an async export that waits, reaches an import, ...).
        "nativeSkip": r.get("nativeSkip").cloned().unwrap_or(Value::Null),
        "note": r.get("note").cloned().unwrap_or(Value::Null),
    })
}

/// Failed weft or native measurements (jco failing is jco's business).
pub fn failures(results: &Value) -> usize {
    let mut n = 0;
    for f in results["functions"].as_array().into_iter().flatten() {
        for e in f["engines"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            n += ["weft", "native"]
                .iter()
                .filter(|c| e["errors"].get(**c).is_some())
                .count();
        }
    }
    n
}

/// `12.3 ns` / `4.56 µs` / `1.23 ms`.
pub fn fmt_ns(ns: Option<f64>) -> String {
    match ns {
        None => "—".into(),
        Some(ns) if ns >= 1e6 => format!("{:.2} ms", ns / 1e6),
        Some(ns) if ns >= 1e3 => format!("{:.2} µs", ns / 1e3),
        Some(ns) if ns < 100.0 => format!("{ns:.1} ns"),
        Some(ns) => format!("{ns:.0} ns"),
    }
}

fn fmt_ratio(x: Option<f64>) -> String {
    match x {
        None => "—".into(),
        Some(x) if x >= 100.0 => format!("{x:.0}x"),
        Some(x) => format!("{x:.2}x"),
    }
}

/// The printed table: per function and engine, wall and CPU time per call of
/// each column, the ratios, bytes allocated per call and the noise; then the
/// skipped functions and the errors.
pub fn table(results: &Value) -> String {
    let mut rows = vec![vec![
        "function".to_string(),
        "engine".into(),
        "weft".into(),
        "native".into(),
        "weft/native".into(),
        "jco".into(),
        "jco/weft".into(),
        "weft cpu".into(),
        "native cpu".into(),
        "B/call weft".into(),
        "B/call native".into(),
        "noise".into(),
    ]];
    let mut notes = Vec::new();
    for f in results["functions"].as_array().into_iter().flatten() {
        let name = f["name"].as_str().unwrap_or("?");
        if let Some(s) = f["skip"].as_str() {
            notes.push(format!("skipped {name}: {s}"));
            continue;
        }
        if let Some(s) = f["nativeSkip"].as_str() {
            notes.push(format!("no native column for {name}: {s}"));
        }
        for (engine, e) in f["engines"].as_object().into_iter().flatten() {
            if let Some(s) = e["skip"].as_str() {
                notes.push(format!("skipped {name} ({engine}): {s}"));
                continue;
            }
            if let Some(s) = e["note"].as_str() {
                notes.push(format!("{name} ({engine}): {s}"));
            }
            if let Some(s) = e["nativeSkip"].as_str() {
                notes.push(format!("no native column for {name} ({engine}): {s}"));
            }
            let ns = |c: &str| e[c]["ns"].as_f64();
            let cpu = |c: &str| e[c]["cpuNs"].as_f64();
            let bytes = |c: &str| {
                e[c]["bytes"]
                    .as_f64()
                    .map_or("—".into(), |b| format!("{b:.0}"))
            };
            let noise = COLUMNS
                .iter()
                .filter_map(|c| e[*c]["noise"].as_f64())
                .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
            rows.push(vec![
                name.to_string(),
                engine.clone(),
                fmt_ns(ns("weft")),
                fmt_ns(ns("native")),
                fmt_ratio(e["ratio"]["weftNative"].as_f64()),
                fmt_ns(ns("jco")),
                fmt_ratio(e["ratio"]["jcoWeft"].as_f64()),
                fmt_ns(cpu("weft")),
                fmt_ns(cpu("native")),
                bytes("weft"),
                bytes("native"),
                noise.map_or("—".into(), |n| format!("±{:.0}%", n * 100.0)),
            ]);
            for (col, msg) in e["errors"].as_object().into_iter().flatten() {
                notes.push(format!(
                    "{engine} {col} {name}: {}",
                    msg.as_str().unwrap_or("?")
                ));
            }
        }
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| {
                let pad = " ".repeat(widths[c] - s.chars().count());
                if c < 2 {
                    format!("{s}{pad}")
                } else {
                    format!("{pad}{s}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    for n in notes {
        out.push_str(&n);
        out.push('\n');
    }
    out
}
