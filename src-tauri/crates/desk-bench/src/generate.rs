//! Realistic catalogs for the benchmarks: a city education bureau's departments and people, and
//! any number of items with Chinese titles, 文号, categories, channels, dates, check marks and
//! statuses, the same for the same seed.
//!
//! Everything is written through `desk_store::Catalog` (save_department, save_person,
//! save_item, mark_check, act), the code path the app and the CLI use: every item gets its
//! 索引号, search entry, due date and operations as if clerks had entered and reviewed it. Each
//! call is its own transaction, as in the app. The one liberty taken is `PRAGMA synchronous =
//! OFF` on the generator's own connection while it writes (a half-written catalog is thrown
//! away anyway); the file is the same as with the app's setting.

use crate::rng::Rng;
use crate::vocab::*;
use chrono::{Datelike, Days, NaiveDate};
use desk_core::checklist::CheckState;
use desk_core::model::{
    Audience, Department, DepartmentKind, Disclosure, Item, ItemLink, LinkKind, Person, Role,
    WithheldReason,
};
use desk_core::settings::CatalogSettings;
use desk_core::workflow::Action;
use desk_store::{Catalog, OpenOptions, Result, StoreError};
use std::path::Path;
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub items: usize,
    pub seed: u64,
    /// The day the catalog is "as of": open items are due around it, closed ones lie before it.
    pub today: NaiveDate,
}

/// What was written.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct GenerateReport {
    pub items: usize,
    pub departments: usize,
    pub people: usize,
    pub check_marks: usize,
    pub transitions: usize,
    pub seconds: f64,
}

/// Where an item's review is meant to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Draft,
    InReview,
    AwaitingSignoff,
    SignedOff,
    Exported,
    Published,
    Withdrawn,
    NotDisclosed,
}

/// Categories (ids of the default tree) with their share of a catalog, and whether their
/// checklist needs a linked interpretation (so they cannot reach sign-off without one).
const CATEGORIES: &[(&str, u32, bool)] = &[
    ("cat-other-docs", 22, false),
    ("cat-normative", 8, true),
    ("cat-rules", 1, true),
    ("cat-policy", 4, false),
    ("cat-interpretation", 8, false),
    ("cat-organisation", 3, false),
    ("cat-plans", 8, false),
    ("cat-enforcement", 12, false),
    ("cat-key-areas", 2, false),
    ("cat-education", 10, false),
    ("cat-enrolment", 9, false),
    ("cat-preschool", 5, false),
    ("cat-disclosure-work", 4, false),
    ("cat-plan-tasks", 4, false),
];

struct People {
    /// Per department: its section head, then its clerks.
    heads: Vec<String>,
    clerks: Vec<Vec<String>>,
    coordinator: String,
    web_team: String,
}

/// The person a generated catalog is left with as "this is me": the office's coordinator.
pub const OFFICE_PERSON_ROLE: Role = Role::Coordinator;

/// Generates a catalog of `options.items` items in `data_dir` (which must not hold one yet).
pub fn generate(data_dir: &Path, options: &GenerateOptions) -> Result<GenerateReport> {
    let started = Instant::now();
    if data_dir.join(desk_store::db::DATABASE_FILE).exists() {
        return Err(StoreError::InvalidArgument(format!(
            "{} already holds a catalog: generate into an empty folder",
            data_dir.display()
        )));
    }
    let mut catalog = Catalog::open(data_dir, OpenOptions { seed_sample: false })?;
    catalog
        .connection()
        .pragma_update(None, "synchronous", "OFF")?;
    catalog
        .connection()
        .pragma_update(None, "cache_size", -65536)?;
    let mut report = GenerateReport::default();
    let mut rng = Rng::new(options.seed);

    let mut department_ids = Vec::new();
    for (name, code, unit) in DEPARTMENTS {
        let saved = catalog.save_department(Department {
            id: String::new(),
            name: name.to_string(),
            code: code.to_string(),
            kind: if *unit {
                DepartmentKind::Unit
            } else {
                DepartmentKind::Department
            },
        })?;
        department_ids.push(saved.id);
    }
    report.departments = department_ids.len();

    let mut names = rng.fork(1);
    let mut used = std::collections::HashSet::new();
    let mut person =
        |catalog: &mut Catalog, department: usize, roles: Vec<Role>| -> Result<String> {
            let name = loop {
                let name = format!("{}{}", names.pick(SURNAMES), names.pick(GIVEN_NAMES));
                if used.insert(name.clone()) {
                    break name;
                }
            };
            Ok(catalog
                .save_person(Person {
                    id: String::new(),
                    name,
                    department_id: Some(department_ids[department].clone()),
                    roles,
                })?
                .id)
        };
    let mut heads = Vec::new();
    let mut clerks = Vec::new();
    for (d, (_, _, unit)) in DEPARTMENTS.iter().enumerate() {
        heads.push(person(&mut catalog, d, vec![Role::SectionHead])?);
        let count = if *unit { 2 } else { 3 };
        let mut these = Vec::new();
        for _ in 0..count {
            these.push(person(&mut catalog, d, vec![Role::Clerk])?);
        }
        clerks.push(these);
    }
    let coordinator = person(&mut catalog, 0, vec![Role::Clerk, OFFICE_PERSON_ROLE])?;
    let web_team = person(&mut catalog, 15, vec![Role::WebTeam])?;
    let people = People {
        heads,
        clerks,
        coordinator,
        web_team,
    };
    report.people = catalog.people()?.len();

    let settings = catalog.settings().clone();
    let mut writer = Writer {
        catalog: &mut catalog,
        current: None,
        report: &mut report,
    };
    let mut normative_ids: Vec<String> = Vec::new();
    let mut doc_serials = std::collections::HashMap::new();
    for index in 0..options.items {
        let mut r = Rng::new(options.seed ^ (index as u64 + 1).wrapping_mul(0xA076_1D64_78BD_642F));
        let plan = plan_item(
            &mut r,
            options.today,
            &department_ids,
            &people,
            &settings,
            &normative_ids,
            &mut doc_serials,
        );
        let id = writer.write(&plan, &people, &mut r)?;
        if plan.category == "cat-normative" {
            normative_ids.push(id);
        }
        writer.report.items += 1;
    }
    writer.set_person(&people.coordinator)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

struct ItemPlan {
    item: Item,
    category: &'static str,
    stage: Stage,
    lead: usize,
    clerk: String,
    reviewer: String,
    /// Checks a reviewer has marked (for an item still in review).
    partial_marks: usize,
}

fn date_before(r: &mut Rng, today: NaiveDate, min_days: u64, max_days: u64) -> NaiveDate {
    today - Days::new(r.range(min_days as i64, max_days as i64) as u64)
}

fn plan_item(
    r: &mut Rng,
    today: NaiveDate,
    department_ids: &[String],
    people: &People,
    settings: &CatalogSettings,
    normative_ids: &[String],
    doc_serials: &mut std::collections::HashMap<(usize, i32), u32>,
) -> ItemPlan {
    let weights: Vec<u32> = CATEGORIES.iter().map(|c| c.1).collect();
    let (category, _, needs_interpretation) = CATEGORIES[r.weighted(&weights)];
    let disclosure = match r.weighted(&[88, 8, 4]) {
        0 => Disclosure::Proactive,
        1 => Disclosure::OnRequest,
        _ => Disclosure::Withheld,
    };
    let stage = if disclosure != Disclosure::Proactive {
        [Stage::NotDisclosed, Stage::Draft, Stage::InReview][r.weighted(&[60, 25, 15])]
    } else {
        let stage = [
            Stage::Draft,
            Stage::InReview,
            Stage::AwaitingSignoff,
            Stage::SignedOff,
            Stage::Exported,
            Stage::Published,
            Stage::Withdrawn,
        ][r.weighted(&[26, 20, 6, 5, 4, 38, 1])];
        // 规章 and 行政规范性文件 wait in review for their interpretation.
        if needs_interpretation && !matches!(stage, Stage::Draft | Stage::Withdrawn) {
            Stage::InReview
        } else {
            stage
        }
    };
    let open = matches!(
        stage,
        Stage::Draft | Stage::InReview | Stage::AwaitingSignoff
    );
    // Open items were formed in the last weeks (some long forgotten); closed ones over six years.
    let formed = if open {
        if r.chance(0.1) {
            date_before(r, today, 40, 400)
        } else {
            date_before(r, today, 0, 40)
        }
    } else {
        date_before(r, today, 25, 6 * 365)
    };
    let written = formed - Days::new(r.range(0, 5) as u64);
    let year = written.year();

    let (topic, topic_keywords) = r.pick(TOPICS);
    let place = if r.chance(0.7) {
        PLACES[0]
    } else {
        r.pick(PLACES)
    };
    let kind = r.pick(DOC_KINDS);
    let title = match category {
        "cat-normative" | "cat-rules" => {
            format!("关于印发《{place}{topic}{kind}》的通知")
        }
        "cat-interpretation" => format!("《{place}{topic}{kind}》政策解读"),
        "cat-plans" => match r.below(3) {
            0 => format!("{year}年{topic}工作要点"),
            1 => format!("{place}{topic}三年行动计划({}—{}年)", year, year + 2),
            _ => format!("关于印发{year}年{topic}工作方案的通知"),
        },
        "cat-enforcement" => match r.below(3) {
            0 => format!("{place}教育局{topic}行政检查结果公示"),
            1 => format!("关于{topic}有关事项的行政处罚决定"),
            _ => format!("{year}年{topic}“双随机、一公开”抽查结果"),
        },
        "cat-organisation" => format!("{place}教育局{}职责调整说明", r.pick(DEPARTMENTS).0),
        "cat-disclosure-work" => match r.below(2) {
            0 => format!("{place}教育局{year}年政府信息公开工作年度报告"),
            _ => format!("对市人大代表第{}号建议的答复", r.range(1, 600)),
        },
        "cat-plan-tasks" => format!("{year}年政务公开重点任务：{topic}信息公开"),
        _ => match r.below(5) {
            0 => format!("关于{}{year}年{topic}工作的通知", r.pick(ACTIONS)),
            1 => format!("关于公布{year}年{topic}名单的通知"),
            2 => format!("{year}年{topic}专项资金分配结果公示"),
            3 => format!("关于{topic}的实施意见"),
            _ => format!("{place}{topic}情况通报"),
        },
    };
    let doc_no = if r.chance(0.72) {
        let prefix = r.below(DOC_PREFIXES.len());
        let serial = doc_serials.entry((prefix, year)).or_insert(0);
        *serial += 1;
        format!("{}〔{year}〕{}号", DOC_PREFIXES[prefix], serial)
    } else {
        String::new()
    };
    let mut summary = format!(
        "为{}，根据{}，{}{}{}有关工作。",
        r.pick(PURPOSES),
        r.pick(LAWS),
        if r.chance(0.5) { "市教育局" } else { place },
        r.pick(ACTIONS),
        topic
    );
    for _ in 0..r.range(1, 3) {
        summary.push_str(r.pick(FOLLOW_UPS));
    }
    let traditional = r.chance(0.05);
    let (title, summary) = if traditional {
        (to_traditional(&title), to_traditional(&summary))
    } else {
        (title, summary)
    };

    let lead = r.below(department_ids.len());
    let mut item = Item::blank(String::new());
    item.title = title;
    item.summary = summary;
    item.doc_no = doc_no;
    item.category_id = Some(category.to_string());
    item.issuing_body = if r.chance(0.85) {
        "大连市教育局".into()
    } else {
        format!("大连市教育局{}", DEPARTMENTS[lead].0)
    };
    item.subject_category = r.pick(SUBJECTS).to_string();
    item.keywords = topic_keywords
        .iter()
        .take(r.range(1, topic_keywords.len() as i64) as usize)
        .map(|k| k.to_string())
        .collect();
    item.legal_basis = format!(
        "《中华人民共和国政府信息公开条例》第{}条",
        ["十九", "二十", "二十一"][r.below(3)]
    );
    item.elements = format!("{}全文及附件", kind);
    item.date_written = Some(written);
    item.date_formed = Some(formed);
    item.disclosure = disclosure;
    if disclosure != Disclosure::Proactive {
        item.withheld_reason = Some(if disclosure == Disclosure::OnRequest {
            WithheldReason::OnRequestOnly
        } else {
            [
                WithheldReason::InternalAffairs,
                WithheldReason::ProcessInformation,
                WithheldReason::Privacy,
                WithheldReason::TradeSecret,
            ][r.below(4)]
        });
        item.withheld_note = r.pick(WITHHELD_NOTES).to_string();
    }
    if r.chance(0.06) {
        item.audience = Audience::SpecificGroup;
    }
    let channel_count = r.range(1, 3) as usize;
    let channels = r.distinct(4, channel_count);
    item.channels = channels
        .into_iter()
        .map(|i| settings.channels[i].clone())
        .collect();
    item.level = settings.levels[r.weighted(&[85, 12, 2, 1])].clone();
    item.lead_department_id = Some(department_ids[lead].clone());
    if r.chance(0.2) {
        let co = r.below(department_ids.len());
        if co != lead {
            item.co_department_ids.push(department_ids[co].clone());
        }
    }
    let clerks = &people.clerks[lead];
    let clerk = clerks[r.below(clerks.len())].clone();
    let reviewer = if r.chance(0.7) {
        people.heads[lead].clone()
    } else {
        people.coordinator.clone()
    };
    item.clerk_id = Some(clerk.clone());
    item.reviewer_id = Some(reviewer.clone());
    item.signer_id = Some(people.heads[lead].clone());
    if category == "cat-normative" && r.chance(0.5) {
        let start = formed + Days::new(1);
        item.comment_start = Some(start);
        item.comment_end = Some(start + Days::new(r.range(15, 30) as u64));
    }
    if category == "cat-interpretation" && !normative_ids.is_empty() && r.chance(0.5) {
        // The policy this interprets: one of the recent ones.
        let back = r.below(normative_ids.len().min(50));
        item.links.push(ItemLink {
            target_id: normative_ids[normative_ids.len() - 1 - back].clone(),
            kind: LinkKind::Interprets,
        });
    }
    if stage == Stage::Published {
        item.date_published = Some(formed + Days::new(r.range(1, 20) as u64));
    }
    if r.chance(0.03) {
        item.notes = "待与规划法规处核对依据".into();
    }
    let partial_marks = r.range(1, 8) as usize;
    ItemPlan {
        item,
        category,
        stage,
        lead,
        clerk,
        reviewer,
        partial_marks,
    }
}

struct Writer<'a> {
    catalog: &'a mut Catalog,
    current: Option<String>,
    report: &'a mut GenerateReport,
}

impl Writer<'_> {
    /// Who the next changes are recorded as (only when it changes: each switch is a write).
    fn set_person(&mut self, id: &str) -> Result<()> {
        if self.current.as_deref() != Some(id) {
            self.catalog.set_current_person(id)?;
            self.current = Some(id.to_string());
        }
        Ok(())
    }

    fn mark(&mut self, id: &str, key: &str, state: CheckState, note: &str) -> Result<()> {
        self.catalog.mark_check(id, key, state, note)?;
        self.report.check_marks += 1;
        Ok(())
    }

    fn act(&mut self, id: &str, action: Action, text: &str) -> Result<()> {
        self.catalog.act(id, action, text)?;
        self.report.transitions += 1;
        Ok(())
    }

    fn write(&mut self, plan: &ItemPlan, people: &People, r: &mut Rng) -> Result<String> {
        self.set_person(&plan.clerk)?;
        let id = self.catalog.save_item(plan.item.clone())?.id;
        match plan.stage {
            Stage::Draft => {
                if r.chance(0.1) {
                    self.mark(&id, MANUAL_CHECKS[0], CheckState::Passed, "")?;
                }
            }
            Stage::InReview => {
                self.act(&id, Action::Submit, "")?;
                self.set_person(&plan.reviewer)?;
                for (i, key) in MANUAL_CHECKS.iter().take(plan.partial_marks).enumerate() {
                    if i + 1 == plan.partial_marks && r.chance(0.15) {
                        self.mark(&id, key, CheckState::Failed, r.pick(FAIL_NOTES))?;
                    } else {
                        self.mark(&id, key, CheckState::Passed, "")?;
                    }
                }
            }
            Stage::NotDisclosed => {
                self.set_person(&plan.reviewer)?;
                let note = plan.item.withheld_note.clone();
                self.act(&id, Action::DecideNotDisclose, &note)?;
            }
            Stage::Withdrawn => {
                self.act(&id, Action::Withdraw, r.pick(WITHDRAW_REASONS))?;
            }
            Stage::AwaitingSignoff | Stage::SignedOff | Stage::Exported | Stage::Published => {
                self.act(&id, Action::Submit, "")?;
                self.set_person(&plan.reviewer)?;
                for key in MANUAL_CHECKS {
                    if NOT_APPLICABLE_ALLOWED.contains(key) && r.chance(0.8) {
                        self.mark(&id, key, CheckState::NotApplicable, "本文件不涉及")?;
                    } else {
                        self.mark(&id, key, CheckState::Passed, "")?;
                    }
                }
                self.act(&id, Action::RequestSignoff, "")?;
                if plan.stage != Stage::AwaitingSignoff {
                    self.set_person(&people.heads[plan.lead])?;
                    self.act(&id, Action::SignOff, "")?;
                }
                if matches!(plan.stage, Stage::Exported | Stage::Published) {
                    self.set_person(&people.web_team)?;
                    self.act(&id, Action::MarkExported, "")?;
                }
                if plan.stage == Stage::Published {
                    let published = plan.item.date_published.unwrap_or_default();
                    let url = format!(
                        "https://jyj.example.gov.cn/art/{}/{}/{}/art_{}.html",
                        published.year(),
                        published.month(),
                        published.day(),
                        self.report.items + 1
                    );
                    self.act(&id, Action::MarkPublished, &url)?;
                }
            }
        }
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use desk_core::query::ItemQuery;

    fn options(items: usize, seed: u64) -> GenerateOptions {
        GenerateOptions {
            items,
            seed,
            today: NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
        }
    }

    /// What two catalogs made from one seed must share (ids are new UUIDs each time).
    fn content(dir: &Path) -> Vec<String> {
        let catalog = Catalog::open(dir, OpenOptions::default()).unwrap();
        let page = catalog
            .list_items(
                &ItemQuery {
                    limit: 1000,
                    ..ItemQuery::default()
                },
                NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
            )
            .unwrap();
        let marks: i64 = catalog
            .connection()
            .query_row("SELECT count(*) FROM item_checks", [], |r| r.get(0))
            .unwrap();
        let mut out: Vec<String> = page
            .items
            .iter()
            .map(|i| {
                format!(
                    "{} {} {} {:?} {:?} {:?} {:?}",
                    i.index_no,
                    i.title,
                    i.doc_no,
                    i.status,
                    i.lead_department_name,
                    i.clerk_name,
                    i.due_date
                )
            })
            .collect();
        out.push(format!("marks {marks}"));
        out
    }

    #[test]
    fn same_seed_same_catalog() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let c = tempfile::tempdir().unwrap();
        generate(a.path(), &options(120, 42)).unwrap();
        generate(b.path(), &options(120, 42)).unwrap();
        generate(c.path(), &options(120, 43)).unwrap();
        assert_eq!(content(a.path()), content(b.path()));
        assert_ne!(content(a.path()), content(c.path()));
    }

    #[test]
    fn counts_at_one_thousand() {
        let dir = tempfile::tempdir().unwrap();
        let report = generate(dir.path(), &options(1000, 7)).unwrap();
        assert_eq!(report.items, 1000);
        let catalog = Catalog::open(dir.path(), OpenOptions::default()).unwrap();
        assert_eq!(catalog.item_count().unwrap(), 1000);
        let count = |sql: &str| -> i64 {
            catalog
                .connection()
                .query_row(sql, [], |r| r.get(0))
                .unwrap()
        };
        // Every item is found by search, has its operations and its 索引号.
        assert_eq!(count("SELECT count(*) FROM item_search"), 1000);
        assert_eq!(
            count("SELECT count(DISTINCT entity_id) FROM ops WHERE entity = 'item' AND kind = 'create'"),
            1000
        );
        assert_eq!(count("SELECT count(*) FROM items WHERE index_no = ''"), 0);
        assert_eq!(
            count("SELECT count(*) FROM item_checks") as usize,
            report.check_marks
        );
        assert_eq!(catalog.departments().unwrap().len(), DEPARTMENTS.len());
        // Statuses spread as planned: drafts, review, sign-off, published …
        let statuses = count("SELECT count(DISTINCT status) FROM items");
        assert!(statuses >= 7, "{statuses} statuses");
        // The catalog is left with a current person, so the app opens without asking.
        assert!(catalog.current_person().unwrap().is_some());
        // A two-character query finds what the vocabulary put there.
        let page = catalog
            .list_items(
                &ItemQuery {
                    text: "招生".into(),
                    ..ItemQuery::default()
                },
                NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
            )
            .unwrap();
        assert!(page.total > 10, "{}", page.total);
    }
}
