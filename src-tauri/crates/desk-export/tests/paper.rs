//! The paper forms from a real catalog and a real bundle: the PDF's text read back with
//! pdftotext, its pages drawn with pdftoppm, its fonts listed with pdffonts (poppler-utils), and
//! a printed code matched back to its item before and after an edit.

mod common;

use common::{office, Office};
use desk_core::checklist::{CheckDef, CheckRule};
use desk_core::export::ExportScope;
use desk_export::bundle::{self, ExportOptions};
use desk_export::paper;
use desk_export::verify::VerifyOptions;
use desk_export::ExportError;
use desk_store::error::StoreError;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2019, 10, 8).unwrap_or_default()
}

fn poppler(tool: &str, args: &[&std::ffi::OsStr], env: &[(&str, &Path)]) -> String {
    let mut command = Command::new(tool);
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) is needed for these tests: {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The PDF's text, every page, as pdftotext reads it.
fn pdf_text(pdf: &Path) -> String {
    poppler(
        "pdftotext",
        &["-raw".as_ref(), pdf.as_os_str(), "-".as_ref()],
        &[],
    )
}

/// The text without spaces and line breaks: a wrapped title reads back whole.
fn joined(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn page_count(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[pdf.as_os_str()], &[]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// Draws the pages as PNG into `dir` (set FORMS_PNG_DIR to keep them and look at them).
fn draw(pdf: &Path, dir: &Path, prefix: &str, env: &[(&str, &Path)]) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    let target = dir.join(prefix);
    poppler(
        "pdftoppm",
        &[
            "-r".as_ref(),
            "60".as_ref(),
            "-png".as_ref(),
            pdf.as_os_str(),
            target.as_os_str(),
        ],
        env,
    );
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".png"))
        })
        .collect();
    pages.sort();
    pages
}

fn png_dir(o: &Office, name: &str) -> PathBuf {
    match std::env::var_os("FORMS_PNG_DIR") {
        Some(dir) => PathBuf::from(dir).join(name),
        None => o.path(name),
    }
}

/// The 审查呈批单 of one item, written to `name` in the office's folder.
fn print_one(o: &Office, id: &str, name: &str) -> PathBuf {
    let out = o.path(name);
    paper::write_signoff_sheets(&o.catalog, &[id.to_string()], today(), &out, false)
        .unwrap_or_else(|e| panic!("print {name}: {e}"));
    out
}

/// The default checklist grown to 30 checks, so a sheet's checklist runs onto a second page.
fn thirty_checks(o: &mut Office) {
    let mut template = o
        .catalog
        .templates()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .find(|t| t.category_ids.is_empty())
        .unwrap_or_else(|| panic!("no default template"));
    let mut n = template.checks.len();
    while template.checks.len() < 30 {
        n += 1;
        template.checks.push(CheckDef {
            key: format!("extra_{n}"),
            group: "补充审查".into(),
            label: format!("第{n}项补充审查：与上级文件的表述一致，引用的文号和日期已逐一核对"),
            guidance: String::new(),
            required: true,
            allow_not_applicable: true,
            rule: CheckRule::Manual,
            disclosures: Vec::new(),
        });
    }
    o.catalog
        .save_template(template)
        .unwrap_or_else(|e| panic!("template: {e}"));
}

#[test]
fn a_signed_off_item_prints_whole_and_its_code_finds_it_until_it_changes() {
    let mut o = office();
    thirty_checks(&mut o);
    let title = format!(
        "关于印发《大连市教育局2019年政务公开工作要点》的通知{}（试行）",
        "并请各区市县教育局、局属各单位结合实际认真贯彻落实".repeat(11)
    );
    let title: String = title.chars().take(300).collect();
    assert_eq!(title.chars().count(), 300);
    let item = o.signed(&title, |i| i.summary = "工作要点".into());
    assert_eq!(item.status, desk_core::model::Status::SignedOff);

    let out = o.path("呈批单.pdf");
    let report = paper::write_signoff_sheets(
        &o.catalog,
        std::slice::from_ref(&item.id),
        today(),
        &out,
        false,
    )
    .unwrap_or_else(|e| panic!("print: {e}"));
    assert_eq!(report.items, 1);
    let code = report.sheets[0].code.clone();

    let text = pdf_text(&out);
    let flat = joined(&text);
    for fact in [
        "政府信息公开审查呈批单",
        item.index_no.as_str(),
        &joined(&title),
        "大教发〔2019〕12号",
        "主动公开",
        "规法处",
        "王芳芳",
        "李建国",
        "已签批",
        "第30项补充审查",
        "经办人签字",
        "签批人意见及签字",
        code.as_str(),
    ] {
        assert!(
            flat.contains(&joined(fact)),
            "{fact} is not in the sheet:\n{text}"
        );
    }
    let pages = page_count(&out);
    assert!(
        pages >= 2,
        "30 checks and a 300-character title fit on {pages} page"
    );
    for n in 1..=pages {
        assert!(
            flat.contains(&format!("第{n}页共{pages}页")),
            "page {n} is not numbered"
        );
    }
    // The checklist's header row is repeated on the page it continues on.
    assert!(text.matches("审查事项").count() >= 3, "{text}");

    // The code read back from the paper names the item, unchanged and signed as printed.
    let found = o
        .catalog
        .check_paper(&code, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.matches.len(), 1);
    assert_eq!(found.matches[0].item_id, item.id);
    assert!(found.matches[0].unchanged);
    let signed = found.matches[0]
        .printed_signoff
        .as_ref()
        .map(|s| s.signer_name.as_str());
    assert_eq!(signed, Some("李建国"));
    // As typed from the paper: lower case, no dashes.
    let typed = code.replace('-', "").to_lowercase();
    assert_eq!(
        o.catalog
            .check_paper(&typed, today())
            .map(|c| c.matches.len())
            .ok(),
        Some(1)
    );

    // An edit after printing: the same code now says the item changed.
    o.as_clerk();
    let mut edited = o.catalog.item(&item.id).unwrap_or_else(|e| panic!("{e}"));
    edited.doc_no = "大教发〔2019〕13号".into();
    o.catalog
        .save_item(edited)
        .unwrap_or_else(|e| panic!("{e}"));
    let found = o
        .catalog
        .check_paper(&code, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.matches.len(), 1);
    assert!(
        !found.matches[0].unchanged,
        "an edited item still matches its old paper"
    );
    assert!(found.matches[0].printed_signoff.is_some());

    // A misread character, and a code of no item here.
    let mut misread: Vec<char> = code.chars().collect();
    misread[3] = if misread[3] == 'X' { 'Y' } else { 'X' };
    let misread: String = misread.into_iter().collect();
    match o.catalog.check_paper(&misread, today()) {
        Err(StoreError::Refused(p)) => assert_eq!(p[0].code, "verify_code_mistyped"),
        other => panic!("{misread}: {other:?}"),
    }
    let other =
        desk_core::verify_code::VerifyCode::of("another office's item", "sha256:00").to_string();
    let none = o
        .catalog
        .check_paper(&other, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(none.matches.is_empty());

    // The file exists now: printing again without overwrite leaves it as it was.
    let before = std::fs::read(&out).unwrap_or_default();
    let again = paper::write_signoff_sheets(
        &o.catalog,
        std::slice::from_ref(&item.id),
        today(),
        &out,
        false,
    );
    assert!(
        matches!(again, Err(ExportError::FileExists { .. })),
        "{again:?}"
    );
    assert_eq!(std::fs::read(&out).unwrap_or_default(), before);
    let nothing = paper::write_signoff_sheets(&o.catalog, &[], today(), &o.path("none.pdf"), false);
    assert!(matches!(nothing, Err(ExportError::InvalidArgument(_))));
    assert!(!o.path("none.pdf").exists());
    let unknown = paper::write_signoff_sheets(
        &o.catalog,
        &["no-such-item".into()],
        today(),
        &o.path("x.pdf"),
        false,
    );
    assert!(unknown.is_err());
    assert!(!o.path("x.pdf").exists());

    let drawn = draw(&out, &png_dir(&o, "sheet"), "sheet", &[]);
    assert_eq!(drawn.len(), pages);
}

#[test]
fn the_sheet_carries_its_own_font_and_prints_the_same_without_chinese_fonts() {
    let mut o = office();
    let item = o.signed(
        "关于做好2019年度政府信息公开工作年度报告编制工作的通知",
        |_| {},
    );
    let out = print_one(&o, &item.id, "sheet.pdf");
    let fonts = poppler("pdffonts", &[out.as_os_str()], &[]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "{fonts}");
    // name, type, encoding, emb, sub, uni: embedded, a subset, with a ToUnicode map.
    let columns: Vec<&str> = rows[0].split_whitespace().collect();
    assert!(columns[0].ends_with("WenQuanYiMicroHei"), "{fonts}");
    assert_eq!(
        &columns[columns.len() - 5..columns.len() - 2],
        ["yes", "yes", "yes"],
        "{fonts}"
    );
    // A subset, not the whole 5 MB font.
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    assert!(size < 400_000, "{size} bytes");

    // A fontconfig that knows no font at all: the page is drawn the same.
    let empty = o.path("fonts.conf");
    std::fs::write(
        &empty,
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig><cachedir>/nonexistent</cachedir></fontconfig>\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let with_fonts = draw(&out, &o.path("with"), "page", &[]);
    let without = draw(
        &out,
        &o.path("without"),
        "page",
        &[("FONTCONFIG_FILE", &empty)],
    );
    assert_eq!(with_fonts.len(), without.len());
    for (a, b) in with_fonts.iter().zip(&without) {
        let a = std::fs::read(a).unwrap_or_default();
        assert!(a.len() > 1_000);
        assert_eq!(
            a,
            std::fs::read(b).unwrap_or_default(),
            "the page depends on the PC's fonts"
        );
    }
}

#[test]
fn a_bundle_of_200_items_lists_on_a_handover_form_and_a_damaged_one_is_refused() {
    let mut o = office();
    let mut index_numbers = Vec::new();
    for n in 1..=200 {
        let item = o.signed(
            &format!("第{n}号 关于公布{n}项行政许可事项目录的通知"),
            |i| {
                i.doc_no = format!("大教发〔2019〕{n}号");
            },
        );
        index_numbers.push(item.index_no);
    }
    o.as_head();
    let zip = o.path("bundle.zip");
    let exported = bundle::export(
        &mut o.catalog,
        &ExportOptions {
            scope: ExportScope::Full,
            out: &zip,
            overwrite: false,
        },
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap_or_else(|e| panic!("export: {e}"));
    assert_eq!(exported.item_ids.len(), 200);

    let out = o.path("移送明细表.pdf");
    let report = paper::write_handover(&zip, &VerifyOptions::default(), &out, false)
        .unwrap_or_else(|e| panic!("handover: {e}"));
    assert_eq!(report.items, 200);
    assert_eq!(
        report.bundle_id.as_deref(),
        Some(exported.bundle_id.as_str())
    );
    let text = pdf_text(&out);
    let flat = joined(&text);
    // The SHA-256 of the file as written.
    let digest = common::hex(&std::fs::read(&zip).unwrap_or_default());
    for fact in [
        "政府信息公开移送明细表",
        exported.bundle_id.as_str(),
        &format!("sha256:{digest}"),
        "共200项",
        "大教发〔2019〕200号",
        "李建国",
        "移交人签字",
        "接收人签字",
    ] {
        assert!(
            flat.contains(&joined(fact)),
            "{fact} is not on the form:\n{text}"
        );
    }
    for index in &index_numbers {
        assert!(flat.contains(index.as_str()), "{index} is not listed");
    }
    let pages = page_count(&out);
    assert!(pages >= 4, "200 items on {pages} pages");
    // The table's header on every page.
    assert_eq!(text.matches("签批日期").count(), pages, "{text}");
    for n in 1..=pages {
        assert!(flat.contains(&format!("第{n}页共{pages}页")));
    }
    let drawn = draw(&out, &png_dir(&o, "handover"), "handover", &[]);
    assert_eq!(drawn.len(), pages);

    // One byte changed in the bundle: no form attests it.
    let mut bytes = std::fs::read(&zip).unwrap_or_default();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    let damaged = o.path("damaged.zip");
    std::fs::write(&damaged, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let refused = paper::write_handover(
        &damaged,
        &VerifyOptions::default(),
        &o.path("bad.pdf"),
        false,
    );
    assert!(
        matches!(refused, Err(ExportError::BundleInvalid(_))),
        "{refused:?}"
    );
    assert!(!o.path("bad.pdf").exists());
    let missing = paper::write_handover(
        &o.path("nothing.zip"),
        &VerifyOptions::default(),
        &o.path("bad.pdf"),
        false,
    );
    assert!(missing.is_err());
}

#[test]
fn a_redacted_item_prints_as_such_with_the_ground_for_what_was_removed() {
    let mut o = office();
    let item = o.signed(
        "2019年学生资助对象名单（删减后公开）",
        |i| {
            i.disclosure = desk_core::model::Disclosure::Redacted;
            i.withheld_reason = Some(desk_core::model::WithheldReason::Privacy);
            i.withheld_note = "删去学生身份证号和家庭住址".into();
        },
    );
    let out = print_one(&o, &item.id, "redacted.pdf");
    let flat = joined(&pdf_text(&out));
    for fact in [
        "公开属性删减后公开",
        "删减依据个人隐私：删去学生身份证号和家庭住址",
        "附件为删减后的版本",
        "删减内容已核对",
    ] {
        assert!(flat.contains(fact), "{fact} is not on the sheet:\n{flat}");
    }
}

/// Printing what a list shows: its ids in the list's order across pages, and a list longer than
/// one file may hold refused with its own code before anything is laid out.
#[test]
fn a_list_prints_in_its_order_up_to_the_limit() {
    use desk_core::query::{ItemQuery, SortKey};
    let mut o = office();
    let other = o.other_department.clone();
    // 1,200 of 学前处 (more than one page of the list), the rest of 规法处.
    for n in 0..=paper::MAX_SHEETS {
        let lead = (n < 1_200).then(|| other.clone());
        o.draft(&format!("事项 {n:04}"), |item| {
            if let Some(lead) = lead {
                item.lead_department_id = Some(lead);
            }
        });
    }
    let query = ItemQuery {
        department_id: Some(other),
        sort: SortKey::Title,
        descending: true,
        // The screen's page: the print takes the whole list whatever page is shown.
        offset: 600,
        limit: 50,
        ..ItemQuery::default()
    };
    let ids = paper::listed_item_ids(&o.catalog, &query, today()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids.len(), 1_200);
    let titles: Vec<String> = ids
        .iter()
        .map(|id| o.catalog.item(id).map(|i| i.title).unwrap_or_default())
        .collect();
    let expected: Vec<String> = (0..1_200).rev().map(|n| format!("事项 {n:04}")).collect();
    assert_eq!(titles, expected);

    let everything = paper::listed_item_ids(&o.catalog, &ItemQuery::default(), today());
    let Err(refused) = everything else {
        panic!("{} items listed were not refused", paper::MAX_SHEETS + 1);
    };
    let payload = refused.payload();
    assert_eq!(payload.code, "print_too_many");
    assert!(
        payload.message.contains("2001") && payload.message.contains("2000"),
        "{}",
        payload.message
    );
    // Chosen one by one, the same count is refused by the same rule.
    let all: Vec<String> = o.catalog.item_ids().unwrap_or_default();
    let out = o.path("all.pdf");
    let printed = paper::write_signoff_sheets(&o.catalog, &all, today(), &out, false);
    assert!(
        matches!(
            printed,
            Err(ExportError::TooManySheets { chosen: 2001, .. })
        ),
        "{printed:?}"
    );
    assert!(!out.exists());
}
