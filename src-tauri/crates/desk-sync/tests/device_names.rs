//! Every PC is named as the office would name it: this PC, or the PC of the person behind its
//! newest change, through a real share.

mod common;

use common::{add_item, Office};

#[test]
fn each_pc_is_this_pc_or_the_pc_of_the_person_who_last_worked_on_it() {
    let mut office = Office::new(3, 7);
    add_item(&mut office, 1, "一号电脑上的事项");
    add_item(&mut office, 2, "二号电脑上的事项");
    office.converge();
    let own = office.pcs[0].catalog.device_id().to_string();
    let others: Vec<String> = (1..3)
        .map(|pc| office.pcs[pc].catalog.device_id().to_string())
        .collect();
    let names = office.pcs[0]
        .catalog
        .device_names()
        .unwrap_or_else(|e| panic!("{e}"));
    let of = |id: &str| {
        names
            .iter()
            .find(|d| d.device_id == id)
            .unwrap_or_else(|| panic!("{id} in {names:?}"))
    };
    assert!(of(&own).this_pc);
    assert_eq!(names.iter().filter(|d| d.this_pc).count(), 1);
    assert_eq!(of(&others[0]).user_name.as_deref(), Some("处长1"));
    assert_eq!(of(&others[1]).user_name.as_deref(), Some("处长2"));
    assert!(!of(&others[0]).this_pc);

    // On another PC, the first is named by the person who worked there.
    let seen_from_two = office.pcs[2]
        .catalog
        .device_names()
        .unwrap_or_else(|e| panic!("{e}"));
    let first = seen_from_two
        .iter()
        .find(|d| d.device_id == own)
        .unwrap_or_else(|| panic!("{seen_from_two:?}"));
    assert!(!first.this_pc);
    assert!(first.user_name.is_some(), "{first:?}");
}
