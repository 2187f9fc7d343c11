//! The merge rules of sync, as pure functions of the operations a PC knows.
//!
//! Why this shape: every PC must show the same catalog once it holds the same operations, in
//! whatever order they arrived. So nothing here looks at arrival order or at the local wall
//! clock: a register's value is decided by its *heads* (the operations on it that no other known
//! operation overwrote, see `Operation::base`), a set element's presence likewise, and a delete by
//! the version vector it carries. The store keeps the heads; these functions decide.
//!
//! Never drop a head here: a losing head with another value is a conflict a person settles.

use crate::hlc::Hlc;
use crate::ops::OpKind;
use serde_json::Value;
use std::collections::BTreeMap;

/// For every device, the highest sequence number seen (operations are dense per device).
pub type VersionVector = BTreeMap<String, u64>;

/// Whether `vv` has seen operation `seq` of `device`.
pub fn vv_has(vv: &VersionVector, device: &str, seq: u64) -> bool {
    vv.get(device).is_some_and(|&s| s >= seq)
}

/// Whether everything `need` names is in `have` (causal delivery: a segment waits until then).
/// Returns the first device that is behind, with the sequence still needed.
pub fn vv_missing<'a>(need: &'a VersionVector, have: &VersionVector) -> Option<(&'a str, u64)> {
    need.iter()
        .find(|(device, &seq)| seq > 0 && !vv_has(have, device, seq))
        .map(|(device, &seq)| (device.as_str(), seq))
}

/// One current operation on a register or a set element.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub op_id: String,
    pub clock: Hlc,
    pub device_id: String,
    pub kind: OpKind,
    /// The value written (`set`); for `add`/`remove` the element.
    pub value: Value,
}

impl Head {
    /// The total order of last-writer-wins: clock, then device id, then op id.
    fn rank(&self) -> (Hlc, &str, &str) {
        (self.clock, &self.device_id, &self.op_id)
    }
}

/// The heads after `incoming` arrives: it replaces the ones it names in `base`, and joins the
/// rest. Applying an operation already among the heads changes nothing.
pub fn next_heads(heads: &[Head], incoming: &Head, base: &[String]) -> Vec<Head> {
    let mut next: Vec<Head> = heads
        .iter()
        .filter(|h| !base.contains(&h.op_id) && h.op_id != incoming.op_id)
        .cloned()
        .collect();
    next.push(incoming.clone());
    next.sort_by(|a, b| a.rank().cmp(&b.rank()));
    next
}

/// What a register shows, and what it keeps for a person to settle.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterState<'a> {
    pub winner: &'a Head,
    /// Heads with a value other than the winner's: concurrent edits that lost.
    pub conflicts: Vec<&'a Head>,
}

/// The winner is the greatest (clock, device) among the heads; heads holding the winner's value
/// are no conflict (two PCs that made the same change agree).
pub fn register_state(heads: &[Head]) -> Option<RegisterState<'_>> {
    let winner = heads.iter().max_by(|a, b| a.rank().cmp(&b.rank()))?;
    let conflicts = heads
        .iter()
        .filter(|h| h.op_id != winner.op_id && h.value != winner.value)
        .collect();
    Some(RegisterState { winner, conflicts })
}

/// A set element is present when any head adds it: an add concurrent with a remove wins.
pub fn element_present(heads: &[Head]) -> bool {
    heads.iter().any(|h| h.kind == OpKind::Add)
}

/// An item is deleted when some delete knew of every other operation on it: `item_ops` holds,
/// per device, the highest sequence of an operation on the item (deletes left out). An edit the
/// delete did not know of (concurrent or later) keeps the item.
pub fn deleted(deletes: &[VersionVector], item_ops: &VersionVector) -> bool {
    deletes.iter().any(|vv| {
        item_ops
            .iter()
            .all(|(device, &seq)| vv_has(vv, device, seq))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn head(spec: &str) -> Head {
        // "id@wall/device=value" or "+id@wall/device=elem" (add) / "-…" (remove)
        let (kind, spec) = match spec.as_bytes().first() {
            Some(b'+') => (OpKind::Add, &spec[1..]),
            Some(b'-') => (OpKind::Remove, &spec[1..]),
            _ => (OpKind::Set, spec),
        };
        let (id, rest) = spec.split_once('@').unwrap_or((spec, "0/x=null"));
        let (wall, rest) = rest.split_once('/').unwrap_or(("0", rest));
        let (device, value) = rest.split_once('=').unwrap_or((rest, "null"));
        Head {
            op_id: id.to_string(),
            clock: Hlc {
                wall_ms: wall.parse().unwrap_or(0),
                counter: 0,
            },
            device_id: device.to_string(),
            kind,
            value: serde_json::from_str(value).unwrap_or(Value::String(value.into())),
        }
    }

    /// Applies `ops` (each "spec <base ids,…>") in order; returns "winner; conflicts" or the
    /// presence for sets.
    fn check_register(ops: &[&str], expected: &str) {
        let mut heads = Vec::new();
        for op in ops {
            let (spec, base) = op.split_once(' ').unwrap_or((op, ""));
            let base: Vec<String> = base
                .split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            heads = next_heads(&heads, &head(spec), &base);
        }
        let state = register_state(&heads).map(|s| {
            let mut conflicts: Vec<&str> = s.conflicts.iter().map(|h| h.op_id.as_str()).collect();
            conflicts.sort();
            format!("{}; {}", s.winner.op_id, conflicts.join(","))
        });
        assert_eq!(state.as_deref().unwrap_or("none"), expected, "{ops:?}");
    }

    #[test]
    fn registers() {
        check_register(&[], "none");
        check_register(&["a@1/p=\"x\""], "a; ");
        // Sequential edits: the later one names the earlier as its base.
        check_register(&["a@1/p=\"x\"", "b@2/q=\"y\" a"], "b; ");
        // Concurrent edits: the later clock wins, the other is a conflict.
        check_register(&["a@1/p=\"x\"", "b@2/q=\"y\""], "b; a");
        // An older clock arriving later still loses.
        check_register(&["b@2/q=\"y\"", "a@1/p=\"x\""], "b; a");
        // Equal clocks: the device id decides.
        check_register(&["a@5/p=\"x\"", "b@5/q=\"y\""], "b; a");
        // The same value written twice is no conflict.
        check_register(&["a@1/p=\"x\"", "b@2/q=\"x\""], "b; ");
        // An edit on top of the winner keeps the loser as a conflict until settled.
        check_register(&["a@1/p=\"x\"", "b@2/q=\"y\"", "c@3/q=\"z\" b"], "c; a");
        // Settling names the winner and the chosen losers.
        check_register(&["a@1/p=\"x\"", "b@2/q=\"y\"", "c@3/q=\"x\" b,a"], "c; ");
        // Replaying an operation changes nothing.
        check_register(&["a@1/p=\"x\"", "b@2/q=\"y\"", "b@2/q=\"y\""], "b; a");
    }

    fn check_set(ops: &[&str], expected: bool) {
        let mut heads = Vec::new();
        for op in ops {
            let (spec, base) = op.split_once(' ').unwrap_or((op, ""));
            let base: Vec<String> = base
                .split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            heads = next_heads(&heads, &head(spec), &base);
        }
        assert_eq!(element_present(&heads), expected, "{ops:?}");
    }

    #[test]
    fn set_elements() {
        check_set(&[], false);
        check_set(&["+a@1/p=k"], true);
        check_set(&["+a@1/p=k", "-b@2/p=k a"], false);
        // A remove concurrent with an add: the add wins.
        check_set(&["+a@1/p=k", "-b@2/q=k"], true);
        check_set(&["-b@2/q=k", "+a@1/p=k"], true);
        // A remove that saw both adds removes the element.
        check_set(&["+a@1/p=k", "+b@1/q=k", "-c@3/q=k a,b"], false);
        check_set(&["+a@1/p=k", "+b@1/q=k", "-c@3/q=k b"], true);
    }

    fn vv(spec: &str) -> VersionVector {
        spec.split(',')
            .filter(|s| !s.is_empty())
            .filter_map(|p| p.split_once(':'))
            .map(|(d, s)| (d.to_string(), s.parse().unwrap_or(0)))
            .collect()
    }

    #[test]
    fn deletes() {
        let check = |deletes: &[&str], item_ops: &str, expected: bool| {
            let deletes: Vec<VersionVector> = deletes.iter().map(|d| vv(d)).collect();
            assert_eq!(
                deleted(&deletes, &vv(item_ops)),
                expected,
                "{deletes:?} {item_ops}"
            );
        };
        check(&[], "p:1", false);
        check(&["p:3"], "p:1", true);
        // An edit the delete did not see resurrects the item.
        check(&["p:3"], "p:1,q:2", false);
        check(&["p:3,q:1"], "p:1,q:2", false);
        check(&["p:3,q:2"], "p:1,q:2", true);
        // Any one delete that saw everything is enough.
        check(&["p:3", "q:5,p:1"], "p:1,q:2", true);
    }

    #[test]
    fn causal_wait() {
        let check = |need: &str, have: &str, expected: Option<(&str, u64)>| {
            let need = vv(need);
            assert_eq!(vv_missing(&need, &vv(have)), expected, "{need:?} {have}");
        };
        check("", "", None);
        check("p:2", "p:2", None);
        check("p:2", "p:5", None);
        check("p:2", "p:1", Some(("p", 2)));
        check("p:2,q:3", "p:2", Some(("q", 3)));
        check("q:0", "", None);
    }

    proptest::proptest! {
        /// Concurrent writes (no base) give the same winner and conflicts in every order.
        #[test]
        fn concurrent_writes_commute(writes in proptest::collection::vec((0i64..5, 0u8..3, 0u8..3), 1..6), seed in 0u64..1000) {
            let heads: Vec<Head> = writes.iter().enumerate().map(|(i, (wall, dev, val))| Head {
                op_id: format!("o{i}"),
                clock: Hlc { wall_ms: *wall, counter: 0 },
                device_id: format!("d{dev}"),
                kind: OpKind::Set,
                value: json!(val),
            }).collect();
            let mut forward = Vec::new();
            for h in &heads { forward = next_heads(&forward, h, &[]); }
            let mut shuffled = heads.clone();
            let n = shuffled.len();
            for i in 0..n { shuffled.swap(i, (seed as usize + i * 7) % n); }
            let mut other = Vec::new();
            for h in &shuffled { other = next_heads(&other, h, &[]); }
            proptest::prop_assert_eq!(&forward, &other);
        }
    }

    #[test]
    fn conflicting_values_are_compared_as_json() {
        let a = Head {
            value: json!({"a": 1}),
            ..head("a@1/p=0")
        };
        let b = Head {
            value: json!({"a": 1}),
            ..head("b@2/q=0")
        };
        let heads = vec![a, b];
        assert!(register_state(&heads)
            .map(|s| s.conflicts.is_empty())
            .unwrap_or(false));
    }
}
