//! Work plans in the text format offices paste (the sample plan's): numbered sections `一、`,
//! tasks `(一)` under them, each task ending with its departments `(责任部门:…)`.

use crate::rng::Rng;
use crate::vocab::{ACTIONS, DEPARTMENTS, FOLLOW_UPS, PURPOSES, TOPICS};

/// A Chinese numeral for 1..=99 as headings write it (十一, 二十, 九十九).
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", DIGITS[(n % 10) as usize]),
        20..=99 => format!(
            "{}十{}",
            DIGITS[(n / 10) as usize],
            DIGITS[(n % 10) as usize]
        ),
        _ => n.to_string(),
    }
}

/// A plan of `tasks` tasks (20 per section); `variant` changes every task's text, so that a
/// plan imported once and generated again with another variant is new to the catalog.
pub fn generate_plan(tasks: usize, seed: u64, variant: u32) -> String {
    let mut r = Rng::new(seed ^ 0x504C_414E);
    let mut text = String::from(
        "根据《大连市政务公开领导小组办公室关于印发政务公开工作安排的通知》的有关要求，结合市教育局工作实际，现制定政务公开实施方案如下：\n\n",
    );
    let per_section = 20;
    let sections = tasks.div_ceil(per_section);
    let mut written = 0;
    for s in 1..=sections {
        let (topic, _) = r.pick(TOPICS);
        text.push_str(&format!(
            "{}、深入推进{}领域信息公开\n\n",
            chinese_number(s as u32),
            topic
        ));
        for t in 1..=per_section.min(tasks - written) {
            let (task_topic, _) = r.pick(TOPICS);
            let lead = r.pick(DEPARTMENTS).0;
            let co = r.pick(DEPARTMENTS).0;
            let departments = if co == lead || r.chance(0.4) {
                format!("(责任部门:{lead})")
            } else {
                format!("(牵头部门:{lead};配合部门:{co})")
            };
            let round = if variant == 0 {
                String::new()
            } else {
                format!("本轮为第{variant}轮。")
            };
            text.push_str(&format!(
                "({}){}{}信息公开。为{}，{}第{}项任务。{}{}{}\n\n",
                chinese_number(t as u32),
                r.pick(ACTIONS),
                task_topic,
                r.pick(PURPOSES),
                r.pick(FOLLOW_UPS),
                written + 1,
                round,
                r.pick(FOLLOW_UPS),
                departments
            ));
            written += 1;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(14), "十四");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(47), "四十七");
    }

    #[test]
    fn a_thousand_tasks_parse_as_a_thousand_tasks() {
        let text = generate_plan(1000, 1, 0);
        let parse = desk_core::plan::parse_plan(&text);
        assert_eq!(parse.tasks.len(), 1000, "{:?}", parse.warnings.first());
        assert!(parse.tasks.iter().all(|t| !t.departments.is_empty()));
        let keys: std::collections::HashSet<_> = parse.tasks.iter().map(|t| &t.key).collect();
        assert_eq!(keys.len(), 1000);
        let other = desk_core::plan::parse_plan(&generate_plan(1000, 1, 2));
        assert!(other.tasks.iter().all(|t| !keys.contains(&t.key)));
    }
}
