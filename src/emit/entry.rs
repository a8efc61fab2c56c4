//! The entry protocol, written once: a call into a component instance checks
//! the component-wide `poisoned` flag (from the host) and the `may_enter` flags
//! of its entering set, clears them for the call, restores them after, and
//! (from the host) poisons the component when a trap escapes (in an async
//! component by failing its store, so every JS waiter hears of the trap).
//!
//! Where no host code can run inside the component's core code (see
//! [`super::reentry`]), the glue folds `poisoned` into the flags: poisoning
//! also clears every `may_enter` flag (`poison()`), so a call from the host
//! reads one flag per instance. A host call whose argument lowering leaves the
//! instance untouched is then *light*: no JS can run while it is entered, so
//! it only checks the flags, without clearing and restoring them. So is one
//! whose core function reaches no core import (`crate::import_free`), in any
//! component.

use super::ident::FlagHome;
use crate::plan::ComponentInstanceIdx;

/// The function that poisons the component when `poisoned` is folded into
/// the `may_enter` flags (see [`poison_fn`]).
pub const POISON_FN: &str = "poison";

/// The entry checks of one call into the instances of `set` (the spec's
/// entering set), made from the host or from another component.
pub struct EntryGuard<'a> {
    set: &'a [ComponentInstanceIdx],
    from_host: bool,
    /// In an async component a trap fails the store (`Store.fail`, which
    /// poisons it), so every JS waiter on the component hears of it.
    uses_async: bool,
    flags: FlagHome,
    folded: bool,
    light: bool,
}

impl<'a> EntryGuard<'a> {
    /// A call from the host: `poisoned` is checked too; `uses_async`: the
    /// component uses the async ABI (a trap fails its store).
    pub fn from_host(set: &'a [ComponentInstanceIdx], uses_async: bool, flags: FlagHome) -> Self {
        EntryGuard {
            set,
            from_host: true,
            uses_async,
            flags,
            folded: false,
            light: false,
        }
    }

    /// A call from another component instance (`flags`: where the glue keeps them).
    pub fn from_component(set: &'a [ComponentInstanceIdx], flags: FlagHome) -> Self {
        EntryGuard {
            set,
            from_host: false,
            uses_async: false,
            flags,
            folded: false,
            light: false,
        }
    }

    /// `poisoned` folded into the flags (a trap clears them all): a call
    /// from the host checks only the flags. Restoring them to `true` stays
    /// right: nothing can poison the component while a call from the host has
    /// cleared them, since every such call's set holds the root instance, so
    /// any other entry from the host is refused before it runs.
    pub fn folded(mut self, folded: bool) -> Self {
        self.folded = folded;
        self
    }

    /// A call from the host during which no JS can run: it checks the flags
    /// (and `poisoned`, unless folded) but neither clears nor restores them.
    pub fn light(mut self, light: bool) -> Self {
        self.light = light && self.from_host;
        self
    }

    /// Whether there is nothing to check.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && !self.from_host
    }

    /// `if (poisoned === true || me0 !== true) cannotEnter(poisoned);`
    /// (folded: `if (me0 !== true) ...`). Each flag is compared with its set
    /// value (`FlagHome::entry_refused`: about 0.3 ns of a 4 ns call over a
    /// generic `ToBoolean`).
    pub fn check(&self) -> String {
        let flags = self.set.iter().map(|c| self.flags.entry_refused(*c));
        // From the host, `poisoned` is read unless folded into some flag.
        let read_poisoned = self.from_host && (!self.folded || self.set.is_empty());
        let conds: Vec<String> = if read_poisoned {
            std::iter::once("poisoned === true".to_string())
                .chain(flags)
                .collect()
        } else {
            flags.collect()
        };
        format!("if ({}) cannotEnter(poisoned);", conds.join(" || "))
    }

    /// `me0 = me3 = false;`: the instances are entered (light: nothing).
    pub fn clear(&self) -> String {
        if self.light {
            return String::new();
        }
        flags_assign(self.set, self.flags, "false")
    }

    /// `me0 = me3 = true;`: the call left them (light: nothing). A trap
    /// clears them again after this (`poison()`, folded).
    pub fn restore(&self) -> String {
        if self.light {
            return String::new();
        }
        flags_assign(self.set, self.flags, "true")
    }

    /// What a trap escaping a call from the host does: poison the component
    /// (in an async component by failing its store, which poisons it).
    pub fn poison_on_trap(&self) -> String {
        let poison = if self.uses_async {
            "store.fail(e);".to_string()
        } else if self.folded {
            format!("{POISON_FN}();")
        } else {
            "poisoned = true;".to_string()
        };
        format!("if (e instanceof WebAssembly.RuntimeError) {poison}")
    }

    /// `call` (a statement without its `;`) inside the whole protocol, on one line.
    pub fn around(&self, call: &str) -> String {
        if self.is_empty() {
            return format!("{call};");
        }
        let catch = if self.from_host {
            format!(" catch (e) {{ {} throw e; }}", self.poison_on_trap())
        } else {
            String::new()
        };
        format!(
            "{} {} try {{ {call}; }}{catch} finally {{ {} }}",
            self.check(),
            self.clear(),
            self.restore()
        )
    }
}

/// `function poison() { poisoned = true; me0 = me3 = false; }`: poisoning
/// with folded flags clears the `may_enter` flags of `set` (all the glue tracks).
pub fn poison_fn(set: &[ComponentInstanceIdx], flags: FlagHome) -> String {
    format!(
        "function {POISON_FN}() {{ poisoned = true; {} }}",
        flags_assign(set, flags, "false")
    )
}

/// `me0 = me3 = <value>;` for the `may_enter` flags of `set`.
fn flags_assign(set: &[ComponentInstanceIdx], flags: FlagHome, value: &str) -> String {
    let mut s = String::new();
    for c in set {
        s.push_str(&flags.may_enter(*c));
        s.push_str(" = ");
    }
    s.push_str(&format!("{value};"));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Idx;

    fn set(ids: &[usize]) -> Vec<ComponentInstanceIdx> {
        ids.iter().map(|&i| ComponentInstanceIdx::new(i)).collect()
    }

    #[test]
    fn from_the_host_checks_poisoned_and_poisons_on_traps() {
        let s = set(&[1, 0]);
        let g = EntryGuard::from_host(&s, false, FlagHome::Vars);
        assert_eq!(
            g.check(),
            "if (poisoned === true || me1 !== true || me0 !== true) cannotEnter(poisoned);"
        );
        assert_eq!(g.clear(), "me1 = me0 = false;");
        assert_eq!(
            g.around("f(rep)"),
            "if (poisoned === true || me1 !== true || me0 !== true) cannotEnter(poisoned); me1 = me0 = false; try { f(rep); } catch (e) { if (e instanceof WebAssembly.RuntimeError) poisoned = true; throw e; } finally { me1 = me0 = true; }"
        );
        // an async component's trap fails its store (which poisons it); its
        // flags are its AsyncInstances' fields
        assert_eq!(
            EntryGuard::from_host(&s, true, FlagHome::AsyncInstance).around("f(rep)"),
            "if (poisoned === true || ai1.mayEnter !== true || ai0.mayEnter !== true) cannotEnter(poisoned); ai1.mayEnter = ai0.mayEnter = false; try { f(rep); } catch (e) { if (e instanceof WebAssembly.RuntimeError) store.fail(e); throw e; } finally { ai1.mayEnter = ai0.mayEnter = true; }"
        );
    }

    #[test]
    fn from_a_component_checks_only_the_entering_set() {
        let s = set(&[2]);
        let g = EntryGuard::from_component(&s, FlagHome::Vars);
        assert_eq!(
            g.around("f()"),
            "if (me2 !== true) cannotEnter(poisoned); me2 = false; try { f(); } finally { me2 = true; }"
        );
        assert_eq!(
            EntryGuard::from_component(&[], FlagHome::Vars).around("f()"),
            "f();"
        );
    }

    #[test]
    fn folded_checks_only_the_flags_and_poisons_through_poison() {
        let s = set(&[1, 0]);
        let g = EntryGuard::from_host(&s, false, FlagHome::Vars).folded(true);
        assert_eq!(
            g.check(),
            "if (me1 !== true || me0 !== true) cannotEnter(poisoned);"
        );
        assert_eq!(g.clear(), "me1 = me0 = false;");
        assert_eq!(g.restore(), "me1 = me0 = true;");
        assert_eq!(
            g.poison_on_trap(),
            "if (e instanceof WebAssembly.RuntimeError) poison();"
        );
        assert_eq!(
            poison_fn(&s, FlagHome::Vars),
            "function poison() { poisoned = true; me1 = me0 = false; }"
        );
        // With no flag to fold into, `poisoned` is read.
        assert_eq!(
            EntryGuard::from_host(&[], false, FlagHome::Vars)
                .folded(true)
                .check(),
            "if (poisoned === true) cannotEnter(poisoned);"
        );
    }

    #[test]
    fn a_light_call_only_checks() {
        let s = set(&[0]);
        let g = EntryGuard::from_host(&s, false, FlagHome::Vars)
            .folded(true)
            .light(true);
        assert_eq!(g.check(), "if (me0 !== true) cannotEnter(poisoned);");
        assert_eq!((g.clear(), g.restore()), (String::new(), String::new()));
        // Not folded: `poisoned` is read too.
        let g = EntryGuard::from_host(&s, false, FlagHome::Vars).light(true);
        assert_eq!(
            g.check(),
            "if (poisoned === true || me0 !== true) cannotEnter(poisoned);"
        );
        assert_eq!((g.clear(), g.restore()), (String::new(), String::new()));
        // Only a call from the host is light.
        let g = EntryGuard::from_component(&s, FlagHome::Vars)
            .folded(true)
            .light(true);
        assert_eq!(g.clear(), "me0 = false;");
    }
}
