//! Catalog-wide settings an office configures: the lists clerks choose from and the 索引号 rule.
//!
//! [`check`] is the one statement of what settings may be saved; the store refuses with its
//! problems and the settings screen pre-checks with the limits below (generated for the UI).

use crate::index_rule::IndexRule;
use crate::problem::Code;
use crate::validate::FieldProblem;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use ts_rs::TS;

/// The fewest working days a due period (or a category's time limit) may have.
pub const DUE_DAYS_MIN: u32 = 1;
/// The most working days a due period (or a category's time limit) may have: about a year.
pub const DUE_DAYS_MAX: u32 = 250;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CatalogSettings {
    /// 公开渠道和载体
    pub channels: Vec<String>,
    /// 公开层级
    pub levels: Vec<String>,
    /// The 索引号 rule; see [`crate::index_rule`].
    pub index_rule: String,
    /// The office's own code, `{org}` in the rule (often the region code plus an agency code).
    pub org_code: String,
    /// Working days from 形成/变更日期 to the due date (条例 第二十六条: 20).
    pub due_working_days: u32,
    /// Categories with another time limit than `due_working_days` (it applies below them too).
    #[serde(default)]
    pub category_deadlines: Vec<CategoryDeadline>,
    /// Whether the disclosure office's coordinator may sign off items of any department.
    #[serde(default)]
    pub office_signs: bool,
    /// Whether bundles for the web team leave out people's names (signers, who exported): the
    /// sign-off records then carry only the person's id.
    #[serde(default)]
    pub export_omit_names: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CategoryDeadline {
    pub category_id: String,
    pub working_days: u32,
}

impl CatalogSettings {
    /// The time limit for an item of a category; `ancestry` lists the category first, then its
    /// parents, so the most specific rule wins.
    pub fn working_days_for(&self, ancestry: &[String]) -> u32 {
        ancestry
            .iter()
            .find_map(|category| {
                self.category_deadlines
                    .iter()
                    .find(|d| &d.category_id == category)
                    .map(|d| d.working_days)
            })
            .unwrap_or(self.due_working_days)
    }
}

impl Default for CatalogSettings {
    fn default() -> Self {
        CatalogSettings {
            channels: [
                "政府网站",
                "政府公报",
                "两微一端",
                "发布会/听证会",
                "广播电视",
                "纸质媒体",
                "公开查阅点",
                "政务服务中心",
                "便民服务站",
                "入户/现场",
                "公示栏(电子屏)",
                "精准推送",
                "其他",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            levels: ["市级", "区县级", "乡镇(街道)", "村(社区)"]
                .into_iter()
                .map(String::from)
                .collect(),
            index_rule: "{org}-{cat}-{year}-{seq:4}".into(),
            org_code: "210200-JY".into(),
            due_working_days: 20,
            category_deadlines: Vec::new(),
            office_signs: false,
            export_omit_names: false,
        }
    }
}

/// The settings as they are stored: list entries without surrounding spaces.
pub fn tidy(settings: &mut CatalogSettings) {
    for list in [&mut settings.channels, &mut settings.levels] {
        for entry in list.iter_mut() {
            *entry = entry.trim().to_string();
        }
    }
}

/// Every reason these (tidied) settings cannot be saved; empty when they can.
/// `category_exists` answers for the categories that time limits name.
pub fn check(
    settings: &CatalogSettings,
    category_exists: impl Fn(&str) -> bool,
) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    for (field, list) in [
        ("channels", &settings.channels),
        ("levels", &settings.levels),
    ] {
        let mut seen = HashSet::new();
        for entry in list {
            if entry.is_empty() {
                problems.push(
                    Code::ListEntryEmpty
                        .problem(field, format!("the list of {field} has an empty entry")),
                );
            } else if !seen.insert(entry.as_str()) {
                problems.push(
                    Code::ListEntryRepeated
                        .problem(field, format!("the list of {field} has \"{entry}\" twice")),
                );
            }
        }
    }
    if settings.channels.is_empty() {
        problems.push(Code::ChannelsEmpty.problem(
            "channels",
            "the list of channels is empty: keep at least one",
        ));
    }
    if let Err(e) = IndexRule::parse(&settings.index_rule) {
        problems.push(e.problem());
    }
    let mut seen = HashSet::new();
    for deadline in &settings.category_deadlines {
        let category = deadline.category_id.as_str();
        if !category_exists(category) {
            problems.push(Code::UnknownCategory.problem(
                "category_deadlines",
                format!("the category {category} of a time limit does not exist"),
            ));
        } else if !seen.insert(category) {
            problems.push(Code::DeadlineRepeated.problem(
                "category_deadlines",
                "a category has two time limits: keep one",
            ));
        }
        if !due_days_valid(deadline.working_days) {
            problems.push(Code::DueDaysOutOfRange.problem(
                "category_deadlines",
                format!("a category's time limit must be between {DUE_DAYS_MIN} and {DUE_DAYS_MAX} working days"),
            ));
        }
    }
    if !due_days_valid(settings.due_working_days) {
        problems.push(Code::DueDaysOutOfRange.problem(
            "due_working_days",
            format!(
                "the due period must be between {DUE_DAYS_MIN} and {DUE_DAYS_MAX} working days"
            ),
        ));
    }
    problems
}

fn due_days_valid(days: u32) -> bool {
    (DUE_DAYS_MIN..=DUE_DAYS_MAX).contains(&days)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies `edit` to the default settings and checks the codes of the problems found.
    fn check_codes(edit: impl FnOnce(&mut CatalogSettings), expected: &[&str]) {
        let mut settings = CatalogSettings::default();
        edit(&mut settings);
        tidy(&mut settings);
        let codes: Vec<String> = check(&settings, |c| c == "cat-policy")
            .into_iter()
            .map(|p| p.code)
            .collect();
        assert_eq!(codes, expected, "{settings:?}");
    }

    fn deadline(category: &str, days: u32) -> CategoryDeadline {
        CategoryDeadline {
            category_id: category.into(),
            working_days: days,
        }
    }

    #[test]
    fn settings_rules() {
        check_codes(|_| {}, &[]);
        check_codes(|s| s.due_working_days = DUE_DAYS_MIN, &[]);
        check_codes(|s| s.due_working_days = DUE_DAYS_MAX, &[]);
        check_codes(|s| s.due_working_days = 0, &["due_days_out_of_range"]);
        check_codes(|s| s.due_working_days = 251, &["due_days_out_of_range"]);
        check_codes(|s| s.channels.push(" ".into()), &["list_entry_empty"]);
        check_codes(|s| s.levels.push(" 市级 ".into()), &["list_entry_repeated"]);
        check_codes(|s| s.channels.clear(), &["channels_empty"]);
        check_codes(|s| s.index_rule = "{org}".into(), &["index_rule_seq_count"]);
        check_codes(
            |s| s.index_rule = "{x}{seq}".into(),
            &["index_rule_unknown_placeholder"],
        );
        check_codes(|s| s.index_rule = "{seq".into(), &["index_rule_unclosed"]);
        check_codes(
            |s| s.category_deadlines = vec![deadline("cat-policy", 5)],
            &[],
        );
        check_codes(
            |s| s.category_deadlines = vec![deadline("cat-policy", 5), deadline("cat-policy", 6)],
            &["deadline_repeated"],
        );
        check_codes(
            |s| s.category_deadlines = vec![deadline("cat-nowhere", 0)],
            &["unknown_category", "due_days_out_of_range"],
        );
    }
}
