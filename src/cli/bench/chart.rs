//! `weft bench --chart`: a hand-written SVG bar chart of glue / native per
//! function and engine, on a log scale (1x, the native floor, is the axis;
//! a dashed line marks 2x). Functions without a native column are left out.

use serde_json::Value;

const BAR: f64 = 14.0;
const GAP: f64 = 10.0;
const LABEL_W: f64 = 300.0;
const PLOT_W: f64 = 420.0;
const COLORS: [&str; 3] = ["#3572b0", "#e08a1e", "#4c9a2a"];

/// XML text escaped.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The bars: (function, engine, ratio).
fn bars(results: &Value) -> Vec<(String, String, f64)> {
    let mut out = Vec::new();
    for f in results["functions"].as_array().into_iter().flatten() {
        for (engine, e) in f["engines"].as_object().into_iter().flatten() {
            if let Some(r) = e["ratio"]["weftNative"].as_f64().filter(|r| *r > 0.0) {
                out.push((
                    f["name"].as_str().unwrap_or("?").to_string(),
                    engine.clone(),
                    r,
                ));
            }
        }
    }
    out
}

/// The chart as a standalone SVG document.
pub fn svg(results: &Value) -> String {
    let bars = bars(results);
    let engines: Vec<String> = results["engines"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["engine"].as_str().map(String::from))
        .collect();
    // Log scale from 0.5x to the next power of 2 above the largest ratio (at least 4x).
    let max = bars.iter().map(|b| b.2).fold(4.0f64, f64::max);
    let (lo, hi) = (0.5f64.log2(), max.log2().ceil());
    let x = |r: f64| LABEL_W + (r.max(0.5).log2() - lo) / (hi - lo) * PLOT_W;
    let mut names: Vec<&str> = Vec::new();
    for b in &bars {
        if !names.contains(&b.0.as_str()) {
            names.push(&b.0);
        }
    }
    let group = BAR * engines.len().max(1) as f64 + GAP;
    let top = 50.0;
    let height = top + group * names.len() as f64 + 40.0;
    let width = LABEL_W + PLOT_W + 80.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n"
    );
    s += &format!("<rect width=\"{width}\" height=\"{height}\" fill=\"#fff\"/>\n");
    s += "<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">weft glue / native call, per call (log scale; 1x = native floor)</text>\n";
    for (k, e) in engines.iter().enumerate() {
        let lx = 10.0 + 110.0 * k as f64;
        s += &format!(
            "<rect x=\"{lx}\" y=\"28\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"37\">{}</text>\n",
            COLORS[k % COLORS.len()],
            lx + 14.0,
            esc(e)
        );
    }
    let bottom = top + group * names.len() as f64;
    let mut p = lo;
    while p <= hi {
        let r = 2f64.powf(p);
        let gx = x(r);
        let dash = if (r - 2.0).abs() < 1e-9 {
            " stroke-dasharray=\"4 3\""
        } else {
            ""
        };
        let stroke = if (r - 1.0).abs() < 1e-9 {
            "#000"
        } else {
            "#ccc"
        };
        s += &format!("<line x1=\"{gx:.1}\" y1=\"{top}\" x2=\"{gx:.1}\" y2=\"{bottom}\" stroke=\"{stroke}\"{dash}/>\n");
        s += &format!(
            "<text x=\"{gx:.1}\" y=\"{}\" text-anchor=\"middle\">{}x</text>\n",
            bottom + 16.0,
            r
        );
        p += 1.0;
    }
    for (i, name) in names.iter().enumerate() {
        let gy = top + group * i as f64;
        s += &format!(
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            LABEL_W - 8.0,
            gy + group / 2.0,
            esc(name)
        );
        for (k, e) in engines.iter().enumerate() {
            let Some(b) = bars.iter().find(|b| b.0 == *name && b.1 == *e) else {
                continue;
            };
            let y = gy + BAR * k as f64;
            let (x0, x1) = (x(1.0), x(b.2));
            let (bx, bw) = if x1 >= x0 {
                (x0, x1 - x0)
            } else {
                (x1, x0 - x1)
            };
            s += &format!(
                "<rect x=\"{bx:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{}\" fill=\"{}\"><title>{} {}: {:.2}x</title></rect>\n",
                bw.max(1.0),
                BAR - 2.0,
                COLORS[k % COLORS.len()],
                esc(name),
                esc(e),
                b.2
            );
            s += &format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{:.2}x</text>\n",
                x0.max(x1) + 4.0,
                y + BAR - 4.0,
                b.2
            );
        }
    }
    s += "</svg>\n";
    s
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn one_bar_per_function_and_engine_with_text_escaped() {
        let results = json!({
            "engines": [{ "engine": "node" }, { "engine": "chromium" }],
            "functions": [
                { "name": "a<b>", "engines": {
                    "node": { "ratio": { "weftNative": 1.5 } },
                    "chromium": { "ratio": { "weftNative": 0.8 } } } },
                { "name": "skipped", "skip": "x" },
                { "name": "no-native", "engines": { "node": { "ratio": { "weftNative": null } } } },
            ],
        });
        let svg = super::svg(&results);
        assert_eq!(svg.matches("<title>").count(), 2);
        assert!(svg.contains("a&lt;b&gt; node: 1.50x"));
        assert!(!svg.contains("no-native"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    }
}
