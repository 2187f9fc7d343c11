//! The annual figures on hand-counted catalogs, and the ledger and report workbooks read back
//! by LibreOffice (headless), the way an office would open them.

mod common;

use common::*;
use desk_core::export::{AnnualFigures, CountRow, DocumentFigures};
use desk_core::model::{
    Category, Department, DepartmentKind, Disclosure, Item, ItemLink, LinkKind, Status, Validity,
};
use desk_export::annual::figures;
use std::path::{Path, PathBuf};
use std::process::Command;

fn categories() -> Vec<Category> {
    desk_store::DEFAULT_CATEGORIES
        .iter()
        .map(|(id, parent, name, code)| Category {
            id: id.to_string(),
            parent_id: parent.map(String::from),
            name: name.to_string(),
            code: code.to_string(),
        })
        .chain([Category {
            id: "cat-edu-normative".into(),
            parent_id: Some("cat-normative".into()),
            name: "教育类".into(),
            code: "JYL".into(),
        }])
        .collect()
}

fn departments() -> Vec<Department> {
    ["甲处", "乙处"]
        .iter()
        .map(|n| Department {
            id: format!("dep-{n}"),
            name: n.to_string(),
            code: String::new(),
            kind: DepartmentKind::Department,
        })
        .collect()
}

/// category, status, disclosure, 成文日期, 发布日期, 有效性, 形成/变更日期, channels, department
type Row<'a> = (
    &'a str,
    Status,
    Disclosure,
    &'a str,
    &'a str,
    Validity,
    &'a str,
    &'a [&'a str],
    &'a str,
);

fn items(rows: &[Row]) -> Vec<Item> {
    rows.iter()
        .enumerate()
        .map(
            |(
                n,
                (category, status, disclosure, written, published, validity, formed, channels, dep),
            )| {
                let mut item = Item::blank(format!("item-{n}"));
                item.title = format!("事项{n}");
                item.category_id = Some(category.to_string());
                item.status = *status;
                item.disclosure = *disclosure;
                item.date_written = date(written);
                item.date_published = date(published);
                item.validity = *validity;
                item.date_formed = date(formed);
                item.channels = channels.iter().map(|c| c.to_string()).collect();
                item.lead_department_id = (!dep.is_empty()).then(|| format!("dep-{dep}"));
                item
            },
        )
        .collect()
}

fn check(rows: &[Row], year: i32, expected: AnnualFigures) {
    let channels: Vec<String> = desk_core::settings::CatalogSettings::default().channels;
    let got = figures(&items(rows), &categories(), &departments(), &channels, year);
    assert_eq!(got, expected);
}

fn counts(rows: &[(&str, u32)]) -> Vec<CountRow> {
    rows.iter()
        .map(|(label, count)| CountRow {
            label: label.to_string(),
            count: *count,
        })
        .collect()
}

use Disclosure::*;
use Status::*;
use Validity::*;

/// Counted by hand: see each row's comment.
const CATALOG: &[Row] = &[
    // 规章
    // issued 2019, in force
    (
        "cat-rules",
        SignedOff,
        Proactive,
        "2019-03-01",
        "",
        Valid,
        "2019-03-01",
        &["政府网站"],
        "甲处",
    ),
    // issued 2018, repealed 2019
    (
        "cat-rules",
        Published,
        Proactive,
        "2018-06-01",
        "2018-06-02",
        Repealed,
        "2019-08-01",
        &["政府网站"],
        "甲处",
    ),
    // in force since 2017
    (
        "cat-rules",
        Exported,
        Proactive,
        "2017-01-01",
        "2017-01-02",
        Valid,
        "",
        &[],
        "甲处",
    ),
    // a draft is not issued
    (
        "cat-rules",
        Draft,
        Proactive,
        "2019-05-01",
        "",
        Valid,
        "",
        &["政府网站"],
        "甲处",
    ),
    // issued the next year
    (
        "cat-rules",
        Published,
        Proactive,
        "2020-01-05",
        "2020-01-06",
        Valid,
        "",
        &["政府网站"],
        "甲处",
    ),
    // expired only in 2020: in force at the end of 2019
    (
        "cat-rules",
        Exported,
        Proactive,
        "2016-01-01",
        "2016-01-02",
        Expired,
        "2020-03-01",
        &[],
        "乙处",
    ),
    // 行政规范性文件 (one a level below)
    // issued 2019, in force, disclosed 2019
    (
        "cat-edu-normative",
        Published,
        Proactive,
        "2019-02-01",
        "2019-02-03",
        Valid,
        "",
        &["政府网站", "政府公报"],
        "乙处",
    ),
    // no 成文日期: issued by its 发布日期
    (
        "cat-normative",
        Published,
        Proactive,
        "",
        "2019-04-01",
        Valid,
        "",
        &[],
        "",
    ),
    // 依申请公开: not counted
    (
        "cat-normative",
        SignedOff,
        OnRequest,
        "2019-06-01",
        "",
        Valid,
        "",
        &["政府网站"],
        "甲处",
    ),
    // issued and repealed in 2019
    (
        "cat-normative",
        Published,
        Proactive,
        "2019-01-10",
        "2019-01-12",
        Repealed,
        "2019-12-31",
        &["政府网站"],
        "甲处",
    ),
    // withdrawn
    (
        "cat-normative",
        Withdrawn,
        Proactive,
        "2019-01-10",
        "",
        Valid,
        "",
        &["政府网站"],
        "甲处",
    ),
    // another category: only in the counts beside the table
    (
        "cat-education",
        Published,
        Proactive,
        "",
        "2019-05-05",
        Valid,
        "",
        &["政府网站", "两微一端"],
        "甲处",
    ),
];

/// The figures of a year in which nothing counts.
fn nothing_counted(year: i32) -> AnnualFigures {
    AnnualFigures {
        year,
        rules: DocumentFigures::default(),
        normative: DocumentFigures::default(),
        disclosed: 0,
        by_channel: Vec::new(),
        by_department: Vec::new(),
    }
}

#[test]
fn table_two_counted_by_hand() {
    check(
        CATALOG,
        2019,
        AnnualFigures {
            year: 2019,
            rules: DocumentFigures {
                issued: 1,
                repealed: 1,
                in_force: 3,
            },
            normative: DocumentFigures {
                issued: 3,
                repealed: 1,
                in_force: 2,
            },
            disclosed: 5,
            by_channel: counts(&[("政府网站", 4), ("政府公报", 1), ("两微一端", 1)]),
            by_department: counts(&[("甲处", 3), ("乙处", 1), ("（未指定牵头部门）", 1)]),
        },
    );
    check(
        CATALOG,
        2020,
        AnnualFigures {
            year: 2020,
            rules: DocumentFigures {
                issued: 1,
                repealed: 0,
                in_force: 3,
            },
            normative: DocumentFigures {
                issued: 0,
                repealed: 0,
                in_force: 2,
            },
            disclosed: 1,
            by_channel: counts(&[("政府网站", 1)]),
            by_department: counts(&[("甲处", 1)]),
        },
    );
    check(
        CATALOG,
        2016,
        AnnualFigures {
            year: 2016,
            rules: DocumentFigures {
                issued: 1,
                repealed: 0,
                in_force: 1,
            },
            normative: DocumentFigures::default(),
            disclosed: 1,
            by_channel: Vec::new(),
            by_department: counts(&[("乙处", 1)]),
        },
    );
    check(&[], 2019, nothing_counted(2019));
}

/// `rows` with the disclosure of every row `pick` chooses set to `to`.
fn with_disclosure(
    rows: &[Row<'static>],
    pick: impl Fn(usize, &Row) -> bool,
    to: Disclosure,
) -> Vec<Row<'static>> {
    rows.iter()
        .enumerate()
        .map(|(n, row)| {
            let mut row = *row;
            if pick(n, &row) {
                row.2 = to;
            }
            row
        })
        .collect()
}

#[test]
fn redacted_documents_are_counted_with_the_proactive_ones() {
    let by_hand = |year| {
        let channels = desk_core::settings::CatalogSettings::default().channels;
        figures(
            &items(CATALOG),
            &categories(),
            &departments(),
            &channels,
            year,
        )
    };
    let proactive = |_: usize, row: &Row| row.2 == Proactive;
    for year in [2016, 2019, 2020] {
        // Every 主动公开 document published after redaction instead, or every other one.
        let all = with_disclosure(CATALOG, proactive, Redacted);
        check(&all, year, by_hand(year));
        let some = with_disclosure(CATALOG, |n, row| n % 2 == 0 && proactive(n, row), Redacted);
        check(&some, year, by_hand(year));
    }
    // Withheld in place of 删减后公开, none of them counts.
    let withheld = with_disclosure(CATALOG, proactive, Withheld);
    check(&withheld, 2019, nothing_counted(2019));
}

#[test]
fn years_out_of_range_are_refused() {
    let o = office();
    for year in [0, 1989, 2201, -2019] {
        let result = desk_export::annual::annual_figures(&o.catalog, year);
        assert_eq!(
            result.map(|_| ()).map_err(|e| e.code().to_string()),
            Err("invalid_argument".into()),
            "{year}"
        );
    }
}

/// Two LibreOffice conversions at once crash one of them, even with separate profiles.
static SOFFICE: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Every sheet of a workbook as CSV rows, converted by LibreOffice.
fn libreoffice_sheets(xlsx: &Path, work: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let _one_at_a_time = SOFFICE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let out = work.join("csv");
    std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
    let profile = format!("file://{}", work.join("lo-profile").display());
    let status = Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to"])
        .arg("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1")
        .arg("--outdir")
        .arg(&out)
        .arg(xlsx)
        .output()
        .unwrap_or_else(|e| {
            panic!("soffice (libreoffice-calc, installed by scripts/setup.sh): {e}")
        });
    assert!(
        status.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let stem = xlsx
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut sheets: Vec<(String, Vec<Vec<String>>)> = files_in(&out)
        .into_iter()
        .filter(|n| n.starts_with(&stem) && n.ends_with(".csv"))
        .map(|n| {
            let text = std::fs::read_to_string(out.join(&n)).unwrap_or_default();
            let sheet = n
                .trim_start_matches(&stem)
                .trim_start_matches('-')
                .trim_end_matches(".csv")
                .to_string();
            let rows = text.lines().map(split_csv).collect();
            (sheet, rows)
        })
        .collect();
    sheets.sort();
    sheets
}

/// One CSV line (the workbooks hold no line breaks in cells).
fn split_csv(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

fn sheet<'a>(sheets: &'a [(String, Vec<Vec<String>>)], name: &str) -> &'a [Vec<String>] {
    sheets
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, rows)| rows.as_slice())
        .unwrap_or_else(|| {
            panic!(
                "no sheet {name}: {:?}",
                sheets.iter().map(|s| &s.0).collect::<Vec<_>>()
            )
        })
}

fn row_starting<'a>(rows: &'a [Vec<String>], first: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r.first().map(String::as_str) == Some(first))
        .map(Vec::as_slice)
        .unwrap_or_else(|| panic!("no row {first}: {rows:?}"))
}

/// A 规章 or 行政规范性文件 signed off with what its checklist asks: a linked interpretation,
/// a 30-day comment period and the summary of the feedback (both kept out of 2019's ledger).
fn document(o: &mut Office, title: &str, edit: impl FnOnce(&mut Item)) {
    let mut linked = |kind_title: &str| {
        o.draft(&format!("{title}{kind_title}"), |i| {
            i.category_id = Some("cat-interpretation".into());
            i.date_written = date("2017-01-01");
        })
        .id
    };
    let interpretation = linked("的解读");
    let summary = linked("征求意见情况");
    let item = o.draft(title, |i| {
        i.links = vec![
            ItemLink {
                target_id: interpretation,
                kind: LinkKind::Interpretation,
            },
            ItemLink {
                target_id: summary,
                kind: LinkKind::FeedbackSummary,
            },
        ];
        i.comment_start = date("2019-01-01");
        i.comment_end = date("2019-01-30");
        edit(i);
    });
    o.sign_off(&item.id, "");
}

fn ledger_catalog() -> (Office, PathBuf) {
    let mut o = office();
    document(
        &mut o,
        "大连市教育局行政规范性文件管理办法",
        |i| {
            i.category_id = Some("cat-normative".into());
            i.index_no = "210200-JY-GFXWJ-2019-0001".into();
            i.doc_no = "大教发〔2019〕1号".into();
            i.issuing_body = "大连市教育局".into();
            i.date_written = date("2019-03-05");
            i.date_published = date("2019-03-08");
            i.channels = vec!["政府网站".into(), "政府公报".into()];
        },
    );
    // Published after redaction: counted with the 主动公开 documents.
    document(&mut o, "关于废止部分规范性文件的决定", |i| {
        i.category_id = Some("cat-normative".into());
        i.index_no = "210200-JY-GFXWJ-2019-0002".into();
        i.date_written = date("2019-06-01");
        i.validity = Validity::Repealed;
        i.date_formed = date("2019-11-20");
        i.disclosure = Disclosure::Redacted;
        i.withheld_reason = Some(desk_core::model::WithheldReason::TradeSecret);
        i.withheld_note = "删去了企业的报价".into();
    });
    document(&mut o, "大连市学校安全管理规定", |i| {
        i.category_id = Some("cat-rules".into());
        i.index_no = "210200-JY-GZ-2019-0001".into();
        i.doc_no = "大连市人民政府令第160号".into();
        i.date_written = date("2019-08-01");
    });
    o.draft(
        "2019年义务教育招生工作实施方案（草稿）",
        |i| {
            i.category_id = Some("cat-enrolment".into());
            i.date_written = date("2019-04-01");
        },
    );
    o.draft("不在本年的事项", |i| {
        i.date_written = date("2018-04-01");
    });
    let work = o.path("work");
    std::fs::create_dir_all(&work).unwrap_or_else(|e| panic!("{e}"));
    (o, work)
}

#[test]
fn the_ledger_reads_back_in_libreoffice() {
    let (o, work) = ledger_catalog();
    let path = work.join("ledger.xlsx");
    let report = desk_export::ledger::write_ledger(&o.catalog, 2019, &path, false)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.items, report.documents), (4, 3));
    let again = desk_export::ledger::write_ledger(&o.catalog, 2019, &path, false);
    assert_eq!(
        again.map(|_| ()).map_err(|e| e.code().to_string()),
        Err("file_exists".into())
    );

    let sheets = libreoffice_sheets(&path, &work);
    let ledger = sheet(&sheets, "公开台账");
    assert_eq!(ledger[0][0], "2019年政府信息公开台账");
    assert_eq!(
        ledger[1],
        desk_export::ledger::LEDGER_COLUMNS
            .map(String::from)
            .to_vec()
    );
    let first = row_starting(ledger, "1");
    assert_eq!(
        first,
        [
            "1",
            "210200-JY-GZ-2019-0001",
            "大连市学校安全管理规定",
            "大连市人民政府令第160号",
            "规法处",
            "2019-08-01",
            "",
            "主动公开",
            "",
            "有效",
            "",
            "已签批",
        ]
    );
    let normative = row_starting(ledger, "2");
    assert_eq!(normative[1], "210200-JY-GFXWJ-2019-0001");
    assert_eq!(normative[4], "大连市教育局");
    assert_eq!(normative[5], "2019-03-05");
    assert_eq!(normative[6], "2019-03-08");
    assert_eq!(normative[8], "政府网站、政府公报");
    assert_eq!(row_starting(ledger, "3")[7], "删减后公开");
    assert_eq!(row_starting(ledger, "3")[9], "废止");
    assert_eq!(row_starting(ledger, "4")[11], "草稿");
    assert!(ledger
        .iter()
        .all(|r| !r.iter().any(|c| c == "不在本年的事项")));
    // Group headings name the categories.
    assert!(ledger.iter().any(|r| r[0] == "政策文件 / 规章"));
    assert!(ledger.iter().any(|r| r[0] == "政策文件 / 行政规范性文件"));

    let documents = sheet(&sheets, "规章和规范性文件");
    assert_eq!(row_starting(documents, "规章")[1..4], ["1", "0", "1"]);
    assert_eq!(
        row_starting(documents, "行政规范性文件")[1..4],
        ["2", "1", "1"]
    );
}

#[test]
fn the_annual_table_reads_back_in_libreoffice() {
    let (o, work) = ledger_catalog();
    let figures =
        desk_export::annual::annual_figures(&o.catalog, 2019).unwrap_or_else(|e| panic!("{e}"));
    let path = work.join("annual.xlsx");
    desk_export::annual::write_xlsx(&figures, &path, false).unwrap_or_else(|e| panic!("{e}"));
    let sheets = libreoffice_sheets(&path, &work);
    let table = sheet(&sheets, "表二 主动公开");
    assert_eq!(table[0][0], "2019年度 二、主动公开政府信息情况");
    assert_eq!(
        row_starting(table, "信息内容")[..4],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    );
    assert_eq!(row_starting(table, "规章")[1..4], ["1", "0", "1"]);
    assert_eq!(row_starting(table, "行政规范性文件")[1..4], ["2", "1", "1"]);
    assert_eq!(
        row_starting(table, "本年主动公开 3 项")[0],
        "本年主动公开 3 项"
    );
    assert_eq!(row_starting(table, "政府网站")[1], "1");
    assert_eq!(row_starting(table, "规法处")[1], "3");
}
