//! Catalog-wide settings an office configures: the lists clerks choose from and the 索引号 rule.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
