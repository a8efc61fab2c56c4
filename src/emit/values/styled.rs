//! Flags as one `bigint` (jco's `--flags-as-bigint`, implied by
//! `--use-namespace-objects`): bit `i` of the value is flag `i`, as in the
//! core words (32 flags to a word). Enum value spelling is
//! [`ValueStyle::enum_value`](crate::value_style::ValueStyle::enum_value).

use super::ValueGen;

impl ValueGen {
    /// Checks that `v` is a bigint with no bit beyond the last flag and
    /// splits it into its core words.
    pub(super) fn lower_bigint_flags(
        &mut self,
        names: &[String],
        v: &str,
        at: &str,
    ) -> Vec<String> {
        let n = names.len();
        let failed = format!("typeof {v} !== 'bigint' || {v} < 0n || ({v} >> {n}n) !== 0n");
        self.check(
            &failed,
            v,
            &format!("flags as a bigint below 2n ** {n}n"),
            at,
        );
        (0..n.div_ceil(32))
            .map(|word| {
                let t = self.tmp("fl");
                self.line(format!(
                    "const {t} = Number(BigInt.asUintN(32, {v} >> {}n)) | 0;",
                    word * 32
                ));
                t
            })
            .collect()
    }

    /// The bigint of core `words` (bits beyond the last flag ignored, as the
    /// canonical ABI's lift of flags does).
    pub(super) fn lift_bigint_flags(&mut self, names: &[String], words: &[String]) -> String {
        let parts: Vec<String> = names
            .chunks(32)
            .zip(words)
            .enumerate()
            .map(|(i, (chunk, w))| {
                let mask = u32::MAX >> (32 - chunk.len());
                let bits = format!("BigInt(({w} & {mask}) >>> 0)");
                match i {
                    0 => bits,
                    _ => format!("({bits} << {}n)", i * 32),
                }
            })
            .collect();
        if parts.is_empty() {
            return "0n".to_string();
        }
        self.bind(&parts.join(" | "))
    }
}
