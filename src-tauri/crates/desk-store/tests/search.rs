//! Search over a real catalog: two-character words, both scripts, filters, sorting.

mod common;

use common::*;
use desk_core::model::{Disclosure, Status, WithheldReason};
use desk_core::query::{DueFilter, ItemQuery, SortKey};
use desk_store::Catalog;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2019, 6, 3).unwrap_or_default()
}

fn titles(catalog: &Catalog, query: ItemQuery) -> Vec<String> {
    catalog
        .list_items(&query, today())
        .unwrap_or_else(|e| panic!("{query:?}: {e}"))
        .items
        .into_iter()
        .map(|i| i.title)
        .collect()
}

fn text(q: &str) -> ItemQuery {
    ItemQuery {
        text: q.into(),
        ..Default::default()
    }
}

fn fixture() -> (tempfile::TempDir, Catalog, String, String) {
    let dir = temp();
    let mut catalog = open(dir.path());
    let gfc = department(&mut catalog, "规法处").id;
    let xqc = department(&mut catalog, "学前处").id;
    let mut a = item("2019年义务教育招生工作方案");
    a.lead_department_id = Some(gfc.clone());
    a.keywords = vec!["招生".into(), "义务教育".into()];
    a.doc_no = "大教发〔2019〕8号".into();
    a.date_formed = chrono::NaiveDate::from_ymd_opt(2019, 4, 1);
    save(&mut catalog, a);
    let mut b = item("關於《招生辦法》的政策解讀");
    b.lead_department_id = Some(xqc.clone());
    b.co_department_ids = vec![gfc.clone()];
    b.summary = "對招生範圍、報名條件進行解讀".into();
    b.date_formed = chrono::NaiveDate::from_ymd_opt(2019, 5, 30);
    save(&mut catalog, b);
    let mut c = item("学前教育资源供给情况");
    c.lead_department_id = Some(xqc.clone());
    c.disclosure = Disclosure::OnRequest;
    c.withheld_reason = Some(WithheldReason::OnRequestOnly);
    c.withheld_note = "涉及特定群体".into();
    let c = save(&mut catalog, c);
    catalog
        .act(&c.id, desk_core::workflow::Action::Submit, "")
        .unwrap_or_else(|e| panic!("{e}"));
    (dir, catalog, gfc, xqc)
}

#[test]
fn two_character_words_in_either_script() {
    let (_dir, catalog, _, _) = fixture();
    let check = |q: &str, expected: &[&str]| {
        let mut got = titles(&catalog, text(q));
        got.sort();
        let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(got, expected, "query {q}");
    };
    check(
        "招生",
        &["2019年义务教育招生工作方案", "關於《招生辦法》的政策解讀"],
    );
    check("解读", &["關於《招生辦法》的政策解讀"]);
    check("解讀", &["關於《招生辦法》的政策解讀"]);
    check("报名条件", &["關於《招生辦法》的政策解讀"]);
    check("学前", &["学前教育资源供给情况"]);
    check("〔2019〕8号", &["2019年义务教育招生工作方案"]);
    check("义务教育 方案", &["2019年义务教育招生工作方案"]);
    check("案", &["2019年义务教育招生工作方案"]);
    check("招聘", &[]);
    check("生解", &[]);
    check("\"OR\" *", &[]);
}

#[test]
fn title_matches_rank_above_summary_matches() {
    let (_dir, mut catalog, _, _) = fixture();
    let mut d = item("年度报告");
    d.summary = "其中提到学前教育资源".into();
    save(&mut catalog, d);
    let got = titles(&catalog, text("学前教育"));
    assert_eq!(
        got.first().map(String::as_str),
        Some("学前教育资源供给情况")
    );
    assert_eq!(got.len(), 2);
}

#[test]
fn filters_combine_with_text_and_sorting() {
    let (_dir, catalog, gfc, xqc) = fixture();
    let q = |f: &dyn Fn(&mut ItemQuery)| {
        let mut query = ItemQuery::default();
        f(&mut query);
        let mut got = titles(&catalog, query);
        got.sort();
        got
    };
    assert_eq!(
        q(&|x| x.department_id = Some(gfc.clone())).len(),
        2,
        "lead or co"
    );
    assert_eq!(
        q(&|x| {
            x.department_id = Some(xqc.clone());
            x.text = "招生".into();
        }),
        vec!["關於《招生辦法》的政策解讀"]
    );
    assert_eq!(
        q(&|x| x.status = Some(Status::InReview)),
        vec!["学前教育资源供给情况"]
    );
    assert_eq!(
        q(&|x| x.disclosure = Some(Disclosure::OnRequest)),
        vec!["学前教育资源供给情况"]
    );
    // Formed 2019-04-01 → due 2019-04-29: overdue on 2019-06-03. Formed 05-30 → due 06-27.
    assert_eq!(
        q(&|x| x.due = Some(DueFilter::Overdue)),
        vec!["2019年义务教育招生工作方案"]
    );
    assert_eq!(
        q(&|x| x.due = Some(DueFilter::DueThisWeek)),
        Vec::<String>::new()
    );
    let sorted = titles(
        &catalog,
        ItemQuery {
            sort: SortKey::DueDate,
            ..Default::default()
        },
    );
    assert_eq!(sorted[0], "2019年义务教育招生工作方案");
    assert_eq!(sorted[2], "学前教育资源供给情况", "no due date sorts last");
    let page = catalog
        .list_items(
            &ItemQuery {
                limit: 2,
                offset: 2,
                sort: SortKey::Title,
                ..Default::default()
            },
            today(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((page.total, page.items.len()), (3, 1));
}

#[test]
fn category_filter_includes_the_subtree() {
    let (_dir, mut catalog, _, _) = fixture();
    let mut rule = item("某规章");
    rule.category_id = Some("cat-rules".into());
    save(&mut catalog, rule);
    let got = titles(
        &catalog,
        ItemQuery {
            category_id: Some("cat-policy".into()),
            ..Default::default()
        },
    );
    assert_eq!(got, vec!["某规章"]);
}

#[test]
fn paging_through_matches_gives_each_once_best_first() {
    let dir = temp();
    let mut catalog = open(dir.path());
    for n in 0..30 {
        let mut i = item(&format!("第{n}号通知"));
        // Every third item has the word in its title; the rest only in the summary.
        if n % 3 == 0 {
            i.title = format!("第{n}号招生通知");
        } else {
            i.summary = "关于招生的说明".into();
        }
        save(&mut catalog, i);
    }
    save(&mut catalog, item("无关的事项"));
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = catalog
            .list_items(
                &ItemQuery {
                    text: "招生".into(),
                    limit: 7,
                    offset,
                    ..Default::default()
                },
                today(),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.total, 30);
        if page.items.is_empty() {
            break;
        }
        seen.extend(page.items.into_iter().map(|i| i.title));
        offset += 7;
    }
    assert_eq!(seen.len(), 30);
    let unique: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), 30, "no item twice");
    assert!(
        seen[..10].iter().all(|t| t.contains("招生")),
        "title matches first: {seen:?}"
    );
}

/// Every filter with text, two filters at once, and another sort: the total counted from the
/// indexes is the number of rows the list gives, and both are the items expected.
#[test]
fn text_and_several_filters_count_what_they_list() {
    let (_dir, mut catalog, gfc, xqc) = fixture();
    let mut rule = item("招生考试规章");
    rule.category_id = Some("cat-rules".into());
    rule.lead_department_id = Some(xqc.clone());
    save(&mut catalog, rule);
    let check = |f: &dyn Fn(&mut ItemQuery), expected: &[&str]| {
        for sort in [SortKey::Relevance, SortKey::Title] {
            let mut query = ItemQuery {
                sort,
                ..Default::default()
            };
            f(&mut query);
            let page = catalog
                .list_items(&query, today())
                .unwrap_or_else(|e| panic!("{query:?}: {e}"));
            let mut got: Vec<String> = page.items.into_iter().map(|i| i.title).collect();
            got.sort();
            let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
            want.sort();
            assert_eq!(got, want, "{query:?}");
            assert_eq!(page.total as usize, want.len(), "total of {query:?}");
        }
    };
    let (policy, interpretation, pending, rules) = (
        "2019年义务教育招生工作方案",
        "關於《招生辦法》的政策解讀",
        "学前教育资源供给情况",
        "招生考试规章",
    );
    // Lead department, or named as co-department.
    check(
        &|x| {
            x.text = "招生".into();
            x.department_id = Some(gfc.clone());
        },
        &[policy, interpretation],
    );
    check(
        &|x| {
            x.text = "招生".into();
            x.category_id = Some("cat-policy".into());
        },
        &[rules],
    );
    check(
        &|x| {
            x.text = "教育".into();
            x.status = Some(Status::InReview);
        },
        &[pending],
    );
    check(
        &|x| {
            x.text = "教育".into();
            x.disclosure = Some(Disclosure::Proactive);
        },
        &[policy],
    );
    check(
        &|x| {
            x.text = "招生".into();
            x.department_id = Some(xqc.clone());
            x.status = Some(Status::Draft);
        },
        &[interpretation, rules],
    );
    check(
        &|x| {
            x.department_id = Some(xqc.clone());
            x.disclosure = Some(Disclosure::Proactive);
        },
        &[interpretation, rules],
    );
    check(
        &|x| {
            x.department_id = Some(xqc.clone());
            x.status = Some(Status::InReview);
            x.disclosure = Some(Disclosure::OnRequest);
        },
        &[pending],
    );
    check(
        &|x| {
            x.text = "招聘".into();
            x.department_id = Some(gfc.clone());
        },
        &[],
    );
}

#[test]
fn each_listed_item_says_where_the_searched_words_are() {
    let (_dir, catalog, _, _) = fixture();
    let page = catalog
        .list_items(&text("报名条件"), today())
        .unwrap_or_else(|e| panic!("{e}"));
    let [item] = page.items.as_slice() else {
        panic!("{page:?}")
    };
    let [hit] = item.hits.as_slice() else {
        panic!("{:?}", item.hits)
    };
    assert_eq!(hit.field, desk_core::search_hit::HitField::Summary);
    let chars: Vec<char> = hit.text.chars().collect();
    let [[from, to]] = hit.marks.as_slice() else {
        panic!("{hit:?}")
    };
    let marked: String = chars[*from as usize..*to as usize].iter().collect();
    assert_eq!(
        marked, "報名條件",
        "marked as written, in traditional characters"
    );

    let page = catalog
        .list_items(&text("招生"), today())
        .unwrap_or_else(|e| panic!("{e}"));
    for item in &page.items {
        let fields: Vec<_> = item.hits.iter().map(|h| h.field).collect();
        assert!(
            fields.contains(&desk_core::search_hit::HitField::Title),
            "{item:?}"
        );
    }
    let plan = page
        .items
        .iter()
        .find(|i| i.title.contains("方案"))
        .unwrap_or_else(|| panic!("{page:?}"));
    assert!(plan
        .hits
        .iter()
        .any(|h| h.field == desk_core::search_hit::HitField::Keywords && h.text == "招生"));

    let unsearched = catalog
        .list_items(&ItemQuery::default(), today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(unsearched.items.iter().all(|i| i.hits.is_empty()));
}
