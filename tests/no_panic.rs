//! Bad input never panics: thousands of mutated copies of real components
//! (bytes flipped, truncated) go through `weft::transpile`, which must return
//! `Ok` or an `Err` every time. Seeded, so failures reproduce.

use std::path::Path;

fn inputs() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        "tests/golden/glue",
        "fixtures/compose",
        "fixtures/components",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let wat = if p.is_dir() {
                p.join("input.wat")
            } else {
                p.clone()
            };
            if wat.extension().is_some_and(|x| x == "wat") && wat.exists() {
                if let Ok(bytes) = wat::parse_file(&wat) {
                    out.push((wat.display().to_string(), bytes));
                }
            }
        }
    }
    assert!(
        out.len() >= 10,
        "expected test components, found {}",
        out.len()
    );
    out
}

/// xorshift64*: small, seeded, good enough to pick positions and bytes.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn mutated_components_never_panic() {
    let opts = weft::TranspileOptions::default();
    let mut rng = Rng(0x5eed_cafe);
    let mut errors = 0;
    for (name, bytes) in inputs() {
        for case in 0..300 {
            let mut b = bytes.clone();
            match case % 3 {
                0 => {
                    let i = (rng.next() as usize) % b.len();
                    b[i] ^= 1 << (rng.next() % 8);
                }
                1 => {
                    let i = (rng.next() as usize) % b.len();
                    b[i] = rng.next() as u8;
                }
                _ => b.truncate((rng.next() as usize) % b.len()),
            }
            let result = std::panic::catch_unwind(|| weft::transpile(&b, &opts).map(|_| ()));
            match result {
                Ok(Ok(())) => {}
                Ok(Err(_)) => errors += 1,
                Err(_) => panic!("{name}: mutation case {case} panicked"),
            }
        }
    }
    assert!(errors > 0, "mutations should produce errors");
}
