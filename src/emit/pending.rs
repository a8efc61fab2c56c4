//! [`Pending`]: the functions generated code has named but that are not
//! generated yet (lifted functions in a non-host form, async built-ins,
//! `canon resource.*` built-ins). Each is queued once, on first use;
//! generating one may queue more, so the glue drains the queue to the end.

use super::ident::LiftForm;
use crate::plan::{BuiltinIdx, CoreDef, LiftedIdx};

/// One function to generate.
#[derive(Debug, Clone, PartialEq)]
pub enum Work {
    Lift(LiftedIdx, LiftForm),
    Builtin(BuiltinIdx),
    Resource(CoreDef),
}

/// The worklist: three queues, each in first-use order.
#[derive(Default)]
pub struct Pending {
    lifts: Vec<(LiftedIdx, LiftForm)>,
    builtins: Vec<BuiltinIdx>,
    resources: Vec<CoreDef>,
    done: (usize, usize, usize),
}

impl Pending {
    pub fn lift(&mut self, idx: LiftedIdx, form: LiftForm) {
        if !self.lifts.contains(&(idx, form)) {
            self.lifts.push((idx, form));
        }
    }

    pub fn builtin(&mut self, idx: BuiltinIdx) {
        if !self.builtins.contains(&idx) {
            self.builtins.push(idx);
        }
    }

    pub fn resource(&mut self, def: &CoreDef) {
        if !self.resources.contains(def) {
            self.resources.push(def.clone());
        }
    }

    /// The next function to generate: lifts first, then async built-ins,
    /// then resource built-ins (the order the glue has always had).
    pub fn next(&mut self) -> Option<Work> {
        let (lifts, builtins, resources) = &mut self.done;
        if let Some(&(i, form)) = self.lifts.get(*lifts) {
            *lifts += 1;
            Some(Work::Lift(i, form))
        } else if let Some(&b) = self.builtins.get(*builtins) {
            *builtins += 1;
            Some(Work::Builtin(b))
        } else if let Some(d) = self.resources.get(*resources) {
            *resources += 1;
            Some(Work::Resource(d.clone()))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Idx;

    #[test]
    fn queues_once_and_drains_lifts_first() {
        let mut p = Pending::default();
        p.builtin(BuiltinIdx::new(0));
        p.lift(LiftedIdx::new(2), LiftForm::Adapter);
        p.lift(LiftedIdx::new(2), LiftForm::Adapter);
        assert_eq!(
            p.next(),
            Some(Work::Lift(LiftedIdx::new(2), LiftForm::Adapter))
        );
        p.lift(LiftedIdx::new(1), LiftForm::Task);
        assert_eq!(
            p.next(),
            Some(Work::Lift(LiftedIdx::new(1), LiftForm::Task))
        );
        assert_eq!(p.next(), Some(Work::Builtin(BuiltinIdx::new(0))));
        p.builtin(BuiltinIdx::new(0));
        assert_eq!(p.next(), None);
    }
}
