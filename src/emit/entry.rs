//! The entry protocol, written once: a call into a component instance checks
//! the component-wide `poisoned` flag (from the host) and the `may_enter` flags
//! of its entering set, clears them for the call, restores them after, and
//! (from the host) poisons the component when a trap escapes.

use crate::plan::ComponentInstanceIdx;

/// What a trap escaping a call from the host does: it poisons the component;
/// in an async component it fails the store (`Store.fail`, which poisons it),
/// so every JS waiter on the component hears of the trap.
pub fn poison_on_trap(uses_async: bool) -> &'static str {
    if uses_async {
        "if (e instanceof WebAssembly.RuntimeError) store.fail(e);"
    } else {
        "if (e instanceof WebAssembly.RuntimeError) poisoned = true;"
    }
}

/// The entry checks of one call into the instances of `set` (the spec's
/// entering set), made from the host or from another component.
pub struct EntryGuard<'a> {
    set: &'a [ComponentInstanceIdx],
    from_host: bool,
    uses_async: bool,
}

impl<'a> EntryGuard<'a> {
    /// A call from the host: `poisoned` is checked too (`uses_async`: a
    /// trap fails the store).
    pub fn from_host(set: &'a [ComponentInstanceIdx], uses_async: bool) -> Self {
        EntryGuard {
            set,
            from_host: true,
            uses_async,
        }
    }

    /// A call from another component instance.
    pub fn from_component(set: &'a [ComponentInstanceIdx]) -> Self {
        EntryGuard {
            set,
            from_host: false,
            uses_async: false,
        }
    }

    /// Whether there is nothing to check.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && !self.from_host
    }

    /// `if (poisoned || !me0) cannotEnter(poisoned);`
    pub fn check(&self) -> String {
        let flags = self.set.iter().map(|c| format!("!{}", c.may_enter()));
        let conds: Vec<String> = if self.from_host {
            std::iter::once("poisoned".to_string())
                .chain(flags)
                .collect()
        } else {
            flags.collect()
        };
        format!("if ({}) cannotEnter(poisoned);", conds.join(" || "))
    }

    /// `me0 = me3 = false;`: the instances are entered.
    pub fn clear(&self) -> String {
        flags_assign(self.set, false)
    }

    /// `me0 = me3 = true;`: the call left them.
    pub fn restore(&self) -> String {
        flags_assign(self.set, true)
    }

    /// `call` (a statement without its `;`) inside the whole protocol, on one line.
    pub fn around(&self, call: &str) -> String {
        if self.is_empty() {
            return format!("{call};");
        }
        let catch = if self.from_host {
            format!(
                " catch (e) {{ {} throw e; }}",
                poison_on_trap(self.uses_async)
            )
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

/// `me0 = me3 = <value>;` for the `may_enter` flags of `set`.
fn flags_assign(set: &[ComponentInstanceIdx], value: bool) -> String {
    let mut s = String::new();
    for c in set {
        s.push_str(&c.may_enter());
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
        let g = EntryGuard::from_host(&s, false);
        assert_eq!(
            g.check(),
            "if (poisoned || !me1 || !me0) cannotEnter(poisoned);"
        );
        assert_eq!(g.clear(), "me1 = me0 = false;");
        assert_eq!(
            g.around("f(rep)"),
            "if (poisoned || !me1 || !me0) cannotEnter(poisoned); me1 = me0 = false; try { f(rep); } catch (e) { if (e instanceof WebAssembly.RuntimeError) poisoned = true; throw e; } finally { me1 = me0 = true; }"
        );
        // an async component's trap fails its store (which poisons it)
        assert_eq!(
            EntryGuard::from_host(&s, true).around("f(rep)"),
            "if (poisoned || !me1 || !me0) cannotEnter(poisoned); me1 = me0 = false; try { f(rep); } catch (e) { if (e instanceof WebAssembly.RuntimeError) store.fail(e); throw e; } finally { me1 = me0 = true; }"
        );
    }

    #[test]
    fn from_a_component_checks_only_the_entering_set() {
        let s = set(&[2]);
        let g = EntryGuard::from_component(&s);
        assert_eq!(
            g.around("f()"),
            "if (!me2) cannotEnter(poisoned); me2 = false; try { f(); } finally { me2 = true; }"
        );
        assert_eq!(EntryGuard::from_component(&[]).around("f()"), "f();");
    }
}
