//! Publication feedback on a real catalog: good rows applied, bad rows listed with why, and a
//! second import of the same file changes nothing.

mod common;

use common::*;
use desk_core::export::{ExportScope, FeedbackOutcome};
use desk_core::model::Status;
use desk_export::bundle::{self, ExportOptions};
use std::sync::atomic::AtomicBool;

#[test]
fn rows_applied_refused_and_a_reimport_changes_nothing() {
    let mut o = office();
    let a = o.signed(
        "关于做好2019年义务教育招生工作的通知",
        |i| {
            i.index_no = "210200-JY-2019-0101".into();
        },
    );
    let b = o.signed("2019年学前教育资助政策解读", |_| {});
    let c = o.signed("关于公布2019年民办学校年检结果的公告", |_| {});
    let in_review = o.draft("尚在审查的事项", |i| {
        i.index_no = "210200-JY-2019-0199".into();
    });
    o.as_head();
    let out = o.path("b.zip");
    bundle::export(
        &mut o.catalog,
        &ExportOptions {
            scope: ExportScope::Incremental,
            out: &out,
            overwrite: false,
        },
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    o.as_clerk();

    let csv = format!(
        "索引号,网址,发布日期\r\n\
         210200-JY-2019-0101,https://www.dl.gov.cn/art/2019/10/10/1.html,2019-10-10\r\n\
         {b},https://www.dl.gov.cn/art/2019/10/11/2.html,2019/10/11\r\n\
         210200-JY-2019-9999,https://www.dl.gov.cn/art/x.html,2019-10-12\r\n\
         {c},www.dl.gov.cn/no-scheme,2019-10-12\r\n\
         {c},https://www.dl.gov.cn/art/3.html,昨天\r\n\
         210200-JY-2019-0199,https://www.dl.gov.cn/art/4.html,2019-10-12\r\n\
         ,https://www.dl.gov.cn/art/5.html,2019-10-12\r\n",
        b = b.id,
        c = c.id,
    );
    let file = o.file("feedback.csv", csv.as_bytes());
    let report =
        desk_export::feedback::import(&mut o.catalog, &file).unwrap_or_else(|e| panic!("{e}"));
    let outcomes: Vec<(u32, FeedbackOutcome, &str)> = report
        .rows
        .iter()
        .map(|r| (r.row.line, r.outcome, r.code.as_str()))
        .collect();
    use FeedbackOutcome::*;
    assert_eq!(
        outcomes,
        vec![
            (2, Applied, ""),
            (3, Applied, ""),
            (4, Refused, "feedback_unknown_item"),
            (5, Refused, "feedback_bad_url"),
            (6, Refused, "feedback_bad_date"),
            (7, Refused, "feedback_not_exported"),
            (8, Refused, "feedback_item_missing"),
        ]
    );
    assert_eq!(
        (report.applied, report.unchanged, report.refused),
        (2, 0, 5)
    );
    let published = o.catalog.item(&a.id).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(published.status, Status::Published);
    assert_eq!(
        published.published_url,
        "https://www.dl.gov.cn/art/2019/10/10/1.html"
    );
    assert_eq!(published.date_published, date("2019-10-10"));
    assert_eq!(o.status(&c.id), Status::Exported);
    assert_eq!(o.status(&in_review.id), Status::Draft);

    // The same file again: nothing changes, not even the log.
    let ops_before = o.catalog.operations().unwrap_or_default().len();
    let again =
        desk_export::feedback::import(&mut o.catalog, &file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((again.applied, again.unchanged, again.refused), (0, 2, 5));
    assert_eq!(o.catalog.operations().unwrap_or_default().len(), ops_before);

    // Another address for an item already published is refused, not overwritten; JSON too.
    let json = format!(
        r#"[{{"item": "{a}", "url": "https://other.example/x", "published_at": "2019-10-10"}},
            {{"index_no": "{c}", "url": "https://www.dl.gov.cn/art/3.html", "published_at": "2019-10-12T09:00:00+08:00"}}]"#,
        a = a.id,
        c = c.id
    );
    let file = o.file("feedback.json", json.as_bytes());
    let report =
        desk_export::feedback::import(&mut o.catalog, &file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.rows[0].code, "feedback_published_elsewhere");
    assert_eq!(report.rows[1].outcome, Applied);
    assert_eq!(
        o.catalog
            .item(&a.id)
            .unwrap_or_else(|e| panic!("{e}"))
            .published_url,
        "https://www.dl.gov.cn/art/2019/10/10/1.html"
    );
    assert_eq!(o.status(&c.id), Status::Published);

    // One file naming an item twice with different addresses: the second row is refused.
    let d = o.signed("第四个事项", |_| {});
    let twice = format!(
        "id,url,published_at\n{d},https://x.gov.cn/1,2019-10-12\n{d},https://x.gov.cn/2,2019-10-12\n",
        d = d.id
    );
    let file = o.file("twice.csv", twice.as_bytes());
    let report =
        desk_export::feedback::import(&mut o.catalog, &file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.rows[0].outcome, Applied, "{:?}", report.rows[0]);
    assert_eq!(report.rows[1].code, "feedback_duplicate_row");
}

#[test]
fn files_that_cannot_be_read() {
    let mut o = office();
    let missing = o.path("missing.csv");
    let err = desk_export::feedback::import(&mut o.catalog, &missing);
    assert_eq!(
        err.map(|_| ()).map_err(|e| e.code().to_string()),
        Err("file_unreadable".into())
    );
    let file = o.file("wrong.csv", "名称,备注\n一,二\n".as_bytes());
    let err = desk_export::feedback::import(&mut o.catalog, &file);
    assert_eq!(
        err.map(|_| ()).map_err(|e| e.code().to_string()),
        Err("feedback_format".into())
    );
}
