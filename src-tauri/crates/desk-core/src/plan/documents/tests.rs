//! Documents made by real tools (the fixtures, see tests/fixtures/plan/README.md) read into the
//! same tasks as their text; hostile documents built here refused each with its own error.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::*;
use crate::plan::{parse_plan, parse_plan_document, DepartmentRole, PlanParse};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/plan/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read(bytes: &[u8]) -> (DocumentFormat, PlanParse) {
    let document = read_plan_document(bytes).unwrap_or_else(|e| panic!("{e}"));
    (document.format, parse_plan_document(&document))
}

/// `[1, 2] 2 «title» 办公室:L, 规法处:C ⏰6月底前=2025-06-30` per task, then warnings.
fn render(parse: &PlanParse) -> Vec<String> {
    let mut out: Vec<String> = parse
        .tasks
        .iter()
        .map(|t| {
            let departments: Vec<String> = t
                .departments
                .iter()
                .map(|d| {
                    let role = match d.role {
                        DepartmentRole::Lead => "L",
                        DepartmentRole::Co => "C",
                        DepartmentRole::Responsible => "R",
                    };
                    format!("{}:{role}{}", d.name, if d.group { "*" } else { "" })
                })
                .collect();
            let deadline = t.deadline.as_ref().map_or(String::new(), |d| {
                let date = d.date.map_or("-".to_owned(), |date| date.to_string());
                format!(" ⏰{}={date}", d.text)
            });
            format!(
                "{:?} {} [{}] «{}» {}{deadline}",
                t.path,
                t.number,
                t.section,
                t.title,
                departments.join(", ")
            )
        })
        .collect();
    out.extend(parse.warnings.iter().map(|w| {
        let task = w.task.map_or("-".to_owned(), |t| format!("#{t}"));
        format!("{} {task} «{}»", w.code, w.excerpt)
    }));
    out
}

#[test]
fn the_sample_made_a_docx_by_libreoffice_gives_the_same_tasks() {
    let text = include_str!("../../../tests/fixtures/plan/dalian-education-2019-plan.txt");
    let (format, parse) = read(&fixture("dalian-education-2019-plan.docx"));
    assert_eq!(format, DocumentFormat::Docx);
    let expected = parse_plan(text);
    assert_eq!(parse.tasks.len(), 17);
    assert_eq!(render(&parse), render(&expected));
    for (got, want) in parse.tasks.iter().zip(&expected.tasks) {
        assert_eq!(got.key, want.key, "{}", want.number);
        assert_eq!(got.departments, want.departments, "{}", want.number);
    }
}

const TABLE_PLAN: &[&str] = &[
    "[1, 1] 1 [一、深化重点领域信息公开] «推进决策公开» 办公室:L, 规法处:C, 各相关处室:C* ⏰6月底前=2025-06-30",
    "[1, 2] 2 [一、深化重点领域信息公开] «做好招生考试信息公开» 招生考试办公室:L, 办公室:C ⏰2025年9月30日前=2025-09-30",
    "[1, 3] 3 [一、深化重点领域信息公开] «做好财政预决算公开» 财务处:L, 审计处:C ⏰年底前=2025-12-31",
    "[1, 4] 4 [一、深化重点领域信息公开] «做好教育收费公开» 财务处:L, 各学校:C* ⏰长期坚持=-",
    "[2, 5] 5 [二、加强政策解读和回应关切] «加强政策解读» 各相关处室:L*, 办公室:C, 机关党办:C ⏰持续推进=-",
    "[2, 6] 6 [二、加强政策解读和回应关切] «回应社会关切» 办公室:L, 机关党办:C ⏰按要求=-",
    "[2, 7] 7 [二、加强政策解读和回应关切] «规范依申请公开» 规法处:L ⏰三季度末=2025-09-30",
    "deadline_not_understood #5 «按要求»",
];

#[test]
fn a_table_plan_reads_alike_from_xlsx_xls_csv_and_docx() {
    let mut keys = Vec::new();
    for (name, format) in [
        ("table-plan.xlsx", DocumentFormat::Xlsx),
        ("table-plan.xls", DocumentFormat::Xls),
        ("table-plan-gbk.csv", DocumentFormat::Csv),
        ("table-plan.docx", DocumentFormat::Docx),
    ] {
        let (got, parse) = read(&fixture(name));
        assert_eq!(got, format, "{name}");
        assert_eq!(render(&parse), TABLE_PLAN, "{name}");
        keys.push(
            parse
                .tasks
                .iter()
                .map(|t| t.key.clone())
                .collect::<Vec<_>>(),
        );
        let first = &parse.tasks[0];
        assert_eq!(
            first.text,
            "推进决策公开\n重大行政决策事项目录向社会公开，决策草案公开征求意见不少于30日。"
        );
    }
    assert!(keys.windows(2).all(|w| w[0] == w[1]), "{keys:?}");
    let csv = read_plan_document(&fixture("table-plan-gbk.csv")).map(|d| d.encoding);
    assert_eq!(csv, Ok("GB18030".to_owned()));
}

#[test]
fn automatic_numbering_is_written_out() {
    // LibreOffice's export of an .fodt outline (taiwaneseCountingThousand, `（%2）`, `%3.`),
    // with a task in two sentence groups each closed by its marker.
    let (_, parse) = read(&fixture("numbered-plan.docx"));
    assert_eq!(
        render(&parse),
        [
            "[1, 1] 一、（一） [深化决策和执行公开] «推进决策公开» 办公室:L, 规法处:C",
            "[1, 2] 一、（二） [深化决策和执行公开] «做好规范性文件意见征集» 规法处:L, 法律顾问室:R",
            "[2, 1, 1] 二、（一）1. [加强公开平台建设 / 办好政府网站] «优化栏目设置» 信息中心:R",
            "[2, 1, 2] 二、（一）2. [加强公开平台建设 / 办好政府网站] «做好内容保障» 办公室:R, 各相关处室:R*",
            "[2, 2] 二、（二） [加强公开平台建设] «用好政务新媒体» 宣传处:R",
        ]
    );
    // python-docx: chineseCounting and chineseCountingThousand levels given directly, then
    // its List Number style, numbered through styles.xml.
    let (_, parse) = read(&fixture("numbered-plan-python-docx.docx"));
    assert_eq!(
        render(&parse),
        [
            "[1, 1] 一、（一） [加强政策解读] «做好文件解读» 各相关处室:R*",
            "[1, 2, 1] 一、（二）1. [加强政策解读 / 回应社会关切] «建立舆情收集机制» 办公室:L",
            "[1, 2, 2] 一、（二）2. [加强政策解读 / 回应社会关切] «及时发布权威信息» 宣传处:R, 机关党办:C",
            "[2, 1] 二、（一） [强化平台建设] «办好政府网站» 信息中心:R",
            "[3, 1] 三、1. [抓好组织保障] «明确责任分工» 办公室:R",
            "[3, 2] 三、2. [抓好组织保障] «做好督促检查» 督查室:R",
        ]
    );
}

#[test]
fn text_and_csv_are_told_apart_by_content() {
    let sample = include_str!("../../../tests/fixtures/plan/dalian-education-2019-plan.txt");
    let document = read_plan_document(sample.as_bytes());
    assert_eq!(
        document.as_ref().map(|d| d.format),
        Ok(DocumentFormat::Text)
    );
    let csv = "说明,,\n序号,工作任务,牵头单位,完成时限\n1,做好公开,办公室,年底前\n";
    let document = read_plan_document(csv.as_bytes());
    assert_eq!(document.as_ref().map(|d| d.format), Ok(DocumentFormat::Csv));
    // Tab-separated, and with loose headers.
    let tsv =
        "序号\t重点任务\t责任处室\t协办单位\t完成时间\n1\t做好公开\t办公室\t规法处\t2025年底\n";
    let parse = read(tsv.as_bytes()).1;
    assert_eq!(
        render(&parse),
        ["[1] 1 [] «做好公开» 办公室:R, 规法处:C ⏰2025年底=2025-12-31"]
    );
    // A header over two rows: 责任单位 above 牵头 and 配合.
    let two_rows = "2025年任务清单\n序号,工作任务,责任单位,,完成时限\n,,牵头,配合,\n1,做好公开,办公室,规法处,三季度\n";
    let parse = read(two_rows.as_bytes()).1;
    assert_eq!(
        render(&parse),
        ["[1] 1 [] «做好公开» 办公室:L, 规法处:C ⏰三季度=2025-09-30"]
    );
    // A relative deadline in a plan whose year is nowhere: kept as text, with a warning.
    let parse = read("任务,牵头单位,完成时限\n做好公开,办公室,6月底前\n".as_bytes()).1;
    assert_eq!(
        render(&parse),
        [
            "[1] 1 [] «做好公开» 办公室:L ⏰6月底前=-",
            "deadline_without_year #0 «6月底前»",
        ]
    );
}

#[test]
fn only_the_text_a_reader_sees_is_kept() {
    let body = r#"<w:p><w:pPr><w:rPr><w:vanish/></w:rPr><w:pPrChange><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:pPrChange></w:pPr>
<w:r><w:t xml:space="preserve">一、做好</w:t></w:r><w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del><w:ins><w:r><w:t>公开</w:t></w:r></w:ins>
<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏的</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>
<w:r><w:tab/><w:t>工作</w:t><w:br/><w:t>第二行</w:t></w:r>
<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"#;
    let document = format!(
        r#"<w:document {W} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{body}</w:body></w:document>"#
    );
    let read = read_plan_document(&docx(&document)).map(|d| d.blocks);
    assert_eq!(
        read,
        Ok(vec![Block::Paragraph(
            "一、做好公开\t工作\n第二行框".into()
        )])
    );
}

// --- Hostile files -----------------------------------------------------------------------

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in entries {
        assert!(writer.start_file(*name, options).is_ok());
        assert!(writer.write_all(bytes).is_ok());
    }
    writer
        .finish()
        .map(Cursor::into_inner)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn docx(document: &str) -> Vec<u8> {
    zip(&[("word/document.xml", document.as_bytes())])
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn error(bytes: &[u8]) -> PlanError {
    match read_plan_document(bytes) {
        Ok(document) => panic!("read as {:?}", document.format),
        Err(error) => error,
    }
}

#[test]
fn zip_bombs_are_refused_before_they_inflate() {
    // One part inflating past the part limit (33 MB of spaces deflate to about 32 KB).
    let big = vec![b' '; (archive::MAX_PART_BYTES + 1024 * 1024) as usize];
    let bomb = zip(&[("word/document.xml", &big)]);
    assert!(bomb.len() < 200_000, "{}", bomb.len());
    assert_eq!(
        error(&bomb),
        PlanError::ArchiveTooLarge {
            part: "word/document.xml".into(),
            max: archive::MAX_PART_BYTES
        }
    );
    // The same part with its declared sizes rewritten to 100 bytes: the inflater stops at the
    // declared size, the checksum then fails, and the part is damaged; past the declared size
    // nothing is read, and in any case never more than the limit is counted.
    let lying = declare_size(&bomb, 100);
    assert!(matches!(error(&lying), PlanError::Damaged { .. }));
    // Parts each under the part limit, together over the document limit.
    let part = vec![b' '; (archive::MAX_PART_BYTES - 1024) as usize];
    let document = format!("<w:document {W}><w:body><w:p/></w:body></w:document>");
    let mut padded = document.into_bytes();
    padded.extend_from_slice(&part[..part.len() - padded.len()]);
    let bomb = zip(&[
        ("word/document.xml", &padded),
        ("word/numbering.xml", &padded),
        ("word/styles.xml", &padded),
    ]);
    assert!(matches!(
        error(&bomb),
        PlanError::ArchiveTooLarge { max, .. } if max == archive::MAX_TOTAL_BYTES
    ));
    // Many entries: refused from the end record, before the directory is read.
    let names: Vec<String> = (0..=archive::MAX_ENTRIES)
        .map(|i| format!("x/{i}"))
        .collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    assert!(matches!(
        error(&zip(&entries)),
        PlanError::ArchiveTooManyEntries { .. }
    ));
}

/// The archive with every declared uncompressed size (local headers and central directory)
/// set to `size`.
fn declare_size(bytes: &[u8], size: u32) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut at = 0;
    while at + 4 <= out.len() {
        let offset = match &out[at..at + 4] {
            b"PK\x03\x04" => Some(22),
            b"PK\x01\x02" => Some(24),
            _ => None,
        };
        if let Some(offset) = offset {
            if at + offset + 4 <= out.len() {
                out[at + offset..at + offset + 4].copy_from_slice(&size.to_le_bytes());
            }
        }
        at += 1;
    }
    out
}

#[test]
fn xml_entities_are_never_expanded() {
    let laughs = format!(
        r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><w:document {W}><w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>"#
    );
    assert_eq!(
        error(&docx(&laughs)),
        PlanError::XmlDoctype {
            part: "word/document.xml".into()
        }
    );
    // An external entity in the numbering part is refused the same way.
    let external = format!(
        r#"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><w:numbering {W}>&e;</w:numbering>"#
    );
    let body = format!(
        "<w:document {W}><w:body><w:p><w:r><w:t>一、公开</w:t></w:r></w:p></w:body></w:document>"
    );
    let bytes = zip(&[
        ("word/document.xml", body.as_bytes()),
        ("word/numbering.xml", external.as_bytes()),
    ]);
    assert_eq!(
        error(&bytes),
        PlanError::XmlDoctype {
            part: "word/numbering.xml".into()
        }
    );
    // Without a DTD an entity cannot be defined: damaged, not expanded.
    let undefined = format!(
        "<w:document {W}><w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>"
    );
    assert!(matches!(
        error(&docx(&undefined)),
        PlanError::Damaged { .. }
    ));
    // The predefined entities and character references are text.
    let escaped = format!("<w:document {W}><w:body><w:p><w:r><w:t>A&amp;B&#x4E00;&lt;</w:t></w:r></w:p></w:body></w:document>");
    let document = read_plan_document(&docx(&escaped));
    assert_eq!(
        document.map(|d| d.blocks),
        Ok(vec![Block::Paragraph("A&B一<".into())])
    );
}

#[test]
fn deep_nesting_is_refused() {
    let depth = xml::MAX_DEPTH + 10;
    let deep = format!(
        "<w:document {W}>{}{}</w:document>",
        "<w:body>".repeat(depth),
        "</w:body>".repeat(depth)
    );
    assert_eq!(
        error(&docx(&deep)),
        PlanError::XmlTooDeep {
            part: "word/document.xml".into(),
            max: xml::MAX_DEPTH
        }
    );
}

fn xlsx(sheet: &str) -> Vec<u8> {
    let workbook = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="1" sheetId="1"/></sheets></workbook>"#;
    zip(&[
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}

#[test]
fn huge_tables_are_refused() {
    let too_large = |bytes: &[u8]| matches!(error(bytes), PlanError::TableTooLarge { .. });
    // A declared dimension over the caps, before any cell is read.
    assert!(too_large(&xlsx(
        r#"<worksheet><dimension ref="A1:XFD1048576"/><sheetData/></worksheet>"#
    )));
    // A sheet that declares little and holds more rows than the cap.
    let mut rows = String::new();
    for r in 1..=MAX_ROWS + 1 {
        rows.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>"#
        ));
    }
    assert!(too_large(&xlsx(&format!(
        r#"<worksheet><dimension ref="A1:A2"/><sheetData>{rows}</sheetData></worksheet>"#
    ))));
    // A cell far to the right, a row number past the cap.
    assert!(too_large(&xlsx(
        r#"<worksheet><sheetData><row r="1"><c r="ZZZ1"><v>1</v></c></row></sheetData></worksheet>"#
    )));
    assert!(too_large(&xlsx(
        r#"<worksheet><sheetData><row r="99999999"><c><v>1</v></c></row></sheetData></worksheet>"#
    )));
    // A Word table cell spanning a million columns.
    let span = format!(
        r#"<w:document {W}><w:body><w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000000"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl></w:body></w:document>"#
    );
    assert!(too_large(&docx(&span)));
}

#[test]
fn other_formats_are_named() {
    assert_eq!(
        error(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00"),
        PlanError::OldOfficeFormat
    );
    assert!(matches!(
        error(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"),
        PlanError::Damaged { .. }
    ));
    assert_eq!(
        error(&zip(&[("content.xml", b"<office:document/>")])),
        PlanError::UnknownDocument
    );
    let empty = format!("<w:document {W}><w:body><w:p/></w:body></w:document>");
    assert_eq!(error(&docx(&empty)), PlanError::Empty);
    let docx = fixture("table-plan.docx");
    assert!(matches!(
        error(&docx[..docx.len() / 2]),
        PlanError::Damaged { .. }
    ));
    assert!(matches!(
        error(&vec![b'a'; MAX_PLAN_FILE_BYTES + 1]),
        PlanError::TooLarge { .. }
    ));
}

#[test]
fn damaged_documents_never_panic() {
    // xorshift64: deterministic damage to real documents, byte flips and cuts.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for name in ["table-plan.xlsx", "numbered-plan.docx", "table-plan.docx"] {
        let original = fixture(name);
        for _ in 0..150 {
            let mut bytes = original.clone();
            for _ in 0..(next() % 8 + 1) {
                let at = (next() as usize) % bytes.len();
                bytes[at] = next() as u8;
            }
            let cut = (next() as usize) % (bytes.len() + 1);
            for candidate in [&bytes[..], &bytes[..cut]] {
                if let Ok(document) = read_plan_document(candidate) {
                    let _ = parse_plan_document(&document);
                }
            }
        }
    }
}

// --- Fixed-layout documents ----------------------------------------------------------------

/// The sample plan read from `name` gives the tasks and departments of its text.
fn same_as_the_sample(name: &str, format: DocumentFormat) {
    let text = include_str!("../../../tests/fixtures/plan/dalian-education-2019-plan.txt");
    let (got, parse) = read(&fixture(name));
    assert_eq!(got, format, "{name}");
    let expected = parse_plan(text);
    assert_eq!(parse.tasks.len(), 17, "{name}");
    assert_eq!(render(&parse), render(&expected), "{name}");
    for (got, want) in parse.tasks.iter().zip(&expected.tasks) {
        assert_eq!(got.key, want.key, "{name} {}", want.number);
        assert_eq!(got.departments, want.departments, "{name} {}", want.number);
    }
}

#[test]
fn the_sample_as_ofd_gives_the_same_tasks() {
    // easyofd's conversion of LibreOffice's PDF: each line's pieces share one position, and
    // the paragraphs wrap over lines and pages.
    same_as_the_sample("dalian-education-2019-plan.ofd", DocumentFormat::Ofd);
}

#[test]
fn a_scanned_ofd_is_refused_as_having_no_text() {
    assert_eq!(error(&fixture("scanned-page.ofd")), PlanError::NoTextLayer);
}

const OFD_ROOT: &str = r#"<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>/Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#;

fn ofd(pages: &[&str]) -> Vec<u8> {
    let list: String = (0..pages.len())
        .map(|i| format!(r#"<ofd:Page ID="{i}" BaseLoc="Pages/Page_{i}/Content.xml"/>"#))
        .collect();
    let document = format!(
        r#"<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages>{list}</ofd:Pages></ofd:Document>"#
    );
    let names: Vec<String> = (0..pages.len())
        .map(|i| format!("Doc_0/Pages/Page_{i}/Content.xml"))
        .collect();
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("OFD.xml", OFD_ROOT.as_bytes()),
        ("Doc_0/Document.xml", document.as_bytes()),
    ];
    for (name, page) in names.iter().zip(pages) {
        entries.push((name, page.as_bytes()));
    }
    zip(&entries)
}

fn text_object(x: f64, y: f64, text: &str) -> String {
    format!(
        r#"<ofd:TextObject ID="1" Boundary="{x} {y} {} 6" Font="3" Size="4"><ofd:TextCode X="0" Y="4" DeltaX="g {} 4">{text}</ofd:TextCode></ofd:TextObject>"#,
        text.chars().count() * 4,
        text.chars().count().saturating_sub(1)
    )
}

#[test]
fn ofd_text_is_read_in_reading_order() {
    // Objects written bottom-up and right-to-left, in a block, with a CTM on one of them.
    let page = format!(
        r#"<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="2"><ofd:PageBlock>{}{}{}</ofd:PageBlock><ofd:TextObject ID="9" Boundary="20 20 16 6" Size="4" CTM="1 0 0 1 0 0"><ofd:TextCode X="0" Y="4">一、做好</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>"#,
        text_object(20.0, 40.0, "（一）推进公开。（责任单位：办公室）"),
        text_object(36.0, 20.0, "公开工作"),
        text_object(20.0, 27.0, "要点如下"),
    );
    let document = read_plan_document(&ofd(&[&page]));
    assert_eq!(
        document.map(|d| d.blocks),
        Ok(vec![
            Block::Paragraph("一、做好公开工作".into()),
            Block::Paragraph("要点如下".into()),
            Block::Paragraph("（一）推进公开。（责任单位：办公室）".into()),
        ])
    );
}

#[test]
fn hostile_ofd_is_refused() {
    // Entity expansion in a page.
    let laughs = r#"<!DOCTYPE p [<!ENTITY a "aaaa">]><ofd:Page xmlns:ofd="x">&a;</ofd:Page>"#;
    assert_eq!(
        error(&ofd(&[laughs])),
        PlanError::XmlDoctype {
            part: "Doc_0/Pages/Page_0/Content.xml".into()
        }
    );
    // A page the document names but the package lacks; a root naming no document.
    let names_missing = zip(&[
        ("OFD.xml", OFD_ROOT.as_bytes()),
        (
            "Doc_0/Document.xml",
            br#"<Document><Pages><Page BaseLoc="../../nowhere.xml"/></Pages></Document>"#,
        ),
    ]);
    assert!(matches!(error(&names_missing), PlanError::Damaged { .. }));
    assert!(matches!(
        error(&zip(&[("OFD.xml", b"<ofd:OFD/>")])),
        PlanError::Damaged { .. }
    ));
    // Too many pages: refused before any page is read.
    let pages: String = (0..=ofd::MAX_PAGES)
        .map(|_| r#"<Page BaseLoc="p.xml"/>"#)
        .collect();
    let document = format!("<Document><Pages>{pages}</Pages></Document>");
    let many = zip(&[
        ("OFD.xml", OFD_ROOT.as_bytes()),
        ("Doc_0/Document.xml", document.as_bytes()),
    ]);
    assert_eq!(
        error(&many),
        PlanError::TooManyPages {
            max: ofd::MAX_PAGES
        }
    );
    // A huge repeat count in DeltaX and nonsense numbers are read without harm.
    let odd = r#"<Page><TextObject Boundary="NaN inf" Size="-1" CTM="1 2"><TextCode X="1e308" Y="x" DeltaX="g 99999999999 1e308">公开</TextCode></TextObject></Page>"#;
    assert!(matches!(
        read_plan_document(&ofd(&[odd])),
        Ok(_) | Err(PlanError::Empty)
    ));
}

#[test]
fn the_sample_as_pdf_gives_the_same_tasks() {
    // LibreOffice's PDF: Type0 fonts with Identity-H codes and ToUnicode maps, a Latin font
    // for the punctuation, paragraphs wrapped over lines and pages.
    same_as_the_sample("dalian-education-2019-plan.pdf", DocumentFormat::Pdf);
    // The same PDF encrypted by LibreOffice with only a permissions password opens without one.
    same_as_the_sample(
        "dalian-education-2019-plan-permissions.pdf",
        DocumentFormat::Pdf,
    );
}

#[test]
fn scanned_and_password_protected_pdfs_are_refused_each_as_such() {
    assert_eq!(error(&fixture("scanned-page.pdf")), PlanError::NoTextLayer);
    assert_eq!(error(&fixture("password.pdf")), PlanError::Encrypted);
    // An Office document encrypted with a password is an OLE2 file around the package.
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.resize(512, 0);
    ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(error(&ole), PlanError::Encrypted);
}

/// A PDF of the given object bodies (object i + 1 each), catalog first, with a correct
/// cross-reference table.
fn pdf_file(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dictionary: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dictionary} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// One page showing `content` with a simple Latin font F1.
fn one_page_pdf(content: &[u8]) -> Vec<u8> {
    pdf_file(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        stream("", content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ])
}

#[test]
fn pdf_text_is_placed_by_its_operators() {
    // Lines written bottom-up, one of them in two pieces right to left, kerning in a TJ.
    let content = b"BT /F1 12 Tf 14 TL 72 700 Td (third line, the longest of all by far) Tj ET
BT /F1 12 Tf 1 0 0 1 200 760 Tm (end) Tj 1 0 0 1 72 760 Tm [(Fir) 20 (st)] TJ ET
q 1 0 0 1 0 -30 cm BT /F1 12 Tf 72 776 Td [(second)-2000(line)] TJ ET Q";
    let document = read_plan_document(&one_page_pdf(content));
    assert_eq!(
        document.map(|d| (d.format, d.blocks)),
        Ok((
            DocumentFormat::Pdf,
            vec![
                Block::Paragraph("First end".into()),
                Block::Paragraph("second line".into()),
                Block::Paragraph("third line, the longest of all by far".into()),
            ]
        ))
    );
}

#[test]
fn hostile_pdfs_are_refused() {
    // Flate streams that together inflate past the limit: refused before lopdf reads them.
    let zeros = vec![0u8; 33 * 1024 * 1024];
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    assert!(encoder.write_all(&zeros).is_ok());
    let compressed = encoder.finish().unwrap_or_else(|e| panic!("{e}"));
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [] /Count 0 >>".to_vec(),
    ];
    let copies = (pdf::MAX_INFLATED_BYTES / zeros.len() as u64) as usize + 1;
    for _ in 0..copies {
        objects.push(stream("/Filter /FlateDecode", &compressed));
    }
    let bomb = pdf_file(&objects);
    assert!(bomb.len() < 2_000_000, "{}", bomb.len());
    assert!(matches!(
        error(&bomb),
        PlanError::ArchiveTooLarge { max, .. } if max == pdf::MAX_INFLATED_BYTES
    ));
    // The same streams as images (a scan's pages) are never inflated, so they do not count.
    let mut scan = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
        stream("", b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
    ];
    for _ in 0..copies {
        scan.push(stream(
            "/Type /XObject /Subtype /Image /Width 4096 /Height 8448 /BitsPerComponent 8 /ColorSpace /DeviceGray /Filter /FlateDecode",
            &compressed,
        ));
    }
    assert_eq!(error(&pdf_file(&scan)), PlanError::NoTextLayer);
    // An object stream calling itself an image still counts.
    let mut disguised = objects[..2].to_vec();
    for _ in 0..copies {
        disguised.push(stream(
            "/Type /ObjStm /N 1 /First 4 /Subtype /Image /Filter /FlateDecode",
            &compressed,
        ));
    }
    assert!(matches!(
        error(&pdf_file(&disguised)),
        PlanError::ArchiveTooLarge { .. }
    ));
    // Not a PDF after its header; cut in half; a page tree that loops on itself.
    assert!(matches!(
        error(b"%PDF-1.4\n\x00\x00\x01\x02\x03binary"),
        PlanError::Damaged { .. }
    ));
    let sample = fixture("dalian-education-2019-plan.pdf");
    assert!(matches!(
        read_plan_document(&sample[..sample.len() / 2]),
        Ok(_) | Err(PlanError::Damaged { .. } | PlanError::NoTextLayer)
    ));
    let looping = pdf_file(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>".to_vec(),
        stream("", b"BT ET"),
    ]);
    assert!(read_plan_document(&looping).is_err());
    // Saved states nested a million deep, nonsense operands and a font size of NaN.
    let mut deep = b"q ".repeat(1_000_000);
    deep.extend_from_slice(
        b"BT /F1 NaN Tf /F9 12 Tf (x) Tj /F1 12 Tf 1e308 1e308 Td (y) ' [(z) /n] TJ 1 2 Tm ET",
    );
    assert!(matches!(
        read_plan_document(&one_page_pdf(&deep)),
        Ok(_) | Err(PlanError::NoTextLayer | PlanError::Empty)
    ));
}

#[test]
fn damaged_pdfs_never_panic_or_hang() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let original = fixture("dalian-education-2019-plan.pdf");
    for _ in 0..40 {
        let mut bytes = original.clone();
        for _ in 0..(next() % 8 + 1) {
            let at = (next() as usize) % bytes.len();
            bytes[at] = next() as u8;
        }
        // A panic inside the reader is caught there; only the error may differ.
        if let Ok(document) = read_plan_document(&bytes) {
            let _ = parse_plan_document(&document);
        }
    }
}

#[test]
fn old_word_files_are_refused_with_how_to_save_them() {
    // LibreOffice's .doc: an OLE2 file holding a WordDocument stream, no workbook.
    let error = error(&fixture("numbered-plan.doc"));
    assert_eq!(error, PlanError::OldOfficeFormat);
    assert!(error.to_string().contains("save it as .docx"), "{error}");
}

/// An OLE2 file holding one stream `name` with `data`, written by cfb.
fn ole(name: &str, data: &[u8]) -> Vec<u8> {
    let mut file =
        cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap_or_else(|e| panic!("{e}"));
    let mut stream = file.create_stream(name).unwrap_or_else(|e| panic!("{e}"));
    assert!(stream.write_all(data).is_ok());
    drop(stream);
    assert!(file.flush().is_ok());
    file.into_inner().into_inner()
}

/// BIFF records: (type, data) each.
fn biff(records: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (kind, data) in records {
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
    }
    out
}

#[test]
fn hostile_xls_is_refused_before_calamine_sizes_it() {
    let too_large = |bytes: &[u8]| matches!(error(bytes), PlanError::TableTooLarge { .. });
    // A sheet declaring 65536 × 256 cells (calamine would reserve them all).
    let mut dimensions = Vec::new();
    dimensions.extend_from_slice(&0u32.to_le_bytes());
    dimensions.extend_from_slice(&65_536u32.to_le_bytes());
    dimensions.extend_from_slice(&0u16.to_le_bytes());
    dimensions.extend_from_slice(&256u16.to_le_bytes());
    dimensions.extend_from_slice(&0u16.to_le_bytes());
    assert!(too_large(&ole("Workbook", &biff(&[(0x0200, dimensions)]))));
    // Dimensions that end before they start (calamine 0.38 would overflow subtracting them).
    let mut backwards = Vec::new();
    backwards.extend_from_slice(&5u32.to_le_bytes());
    backwards.extend_from_slice(&2u32.to_le_bytes());
    backwards.extend_from_slice(&0u16.to_le_bytes());
    backwards.extend_from_slice(&3u16.to_le_bytes());
    backwards.extend_from_slice(&0u16.to_le_bytes());
    assert!(matches!(
        error(&ole("Workbook", &biff(&[(0x0200, backwards)]))),
        PlanError::Damaged { .. }
    ));
    // A single number far down and far right: the grid from the first cell to it.
    let mut number = Vec::new();
    number.extend_from_slice(&60_000u16.to_le_bytes());
    number.extend_from_slice(&200u16.to_le_bytes());
    number.extend_from_slice(&[0; 10]);
    assert!(too_large(&ole("Workbook", &biff(&[(0x0203, number)]))));
    // A MULBLANK run ending past the columns read.
    let mut run = Vec::new();
    run.extend_from_slice(&1u16.to_le_bytes());
    run.extend_from_slice(&0u16.to_le_bytes());
    run.extend_from_slice(&[0; 8]);
    run.extend_from_slice(&5000u16.to_le_bytes());
    assert!(too_large(&ole("Book", &biff(&[(0x00BE, run)]))));
    // A sheet said to start past the end of the workbook stream: calamine 0.38 slices there
    // and panics; the guard turns that into an error.
    let mut bof = vec![0x00, 0x06, 0x05, 0x00];
    bof.resize(16, 0);
    let mut sheet = 0x00FF_FFFFu32.to_le_bytes().to_vec();
    sheet.extend_from_slice(&[0, 0, 1, 0, b'S']);
    let past_the_end = ole(
        "Workbook",
        &biff(&[(0x0809, bof), (0x0085, sheet), (0x000A, Vec::new())]),
    );
    assert!(matches!(
        error(&past_the_end),
        PlanError::ReaderStopped { .. }
    ));
    // A workbook stream that is not BIFF at all; a password-protected Office package.
    let garbage = error(&ole("Workbook", b"\x01\x02garbage"));
    assert!(
        matches!(garbage, PlanError::Damaged { .. } | PlanError::Empty),
        "{garbage:?}"
    );
    assert_eq!(
        error(&ole("EncryptedPackage", b"\x00\x01")),
        PlanError::Encrypted
    );
    // Damage to the real .xls never panics past the guard.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let original = fixture("table-plan.xls");
    for _ in 0..150 {
        let mut bytes = original.clone();
        for _ in 0..(next() % 8 + 1) {
            let at = (next() as usize) % bytes.len();
            bytes[at] = next() as u8;
        }
        let cut = (next() as usize) % (bytes.len() + 1);
        for candidate in [&bytes[..], &bytes[..cut]] {
            if let Ok(document) = read_plan_document(candidate) {
                let _ = parse_plan_document(&document);
            }
        }
    }
}

#[test]
fn a_ledger_is_read_as_its_table_whatever_its_headers() {
    // No plan header here: as a plan this is text, as a ledger it is a table.
    let csv = "索引号,名称,文号\nA-1,关于公开的通知,教发〔2024〕1号\n";
    assert_eq!(
        read_plan_document(csv.as_bytes()).map(|d| d.format),
        Ok(DocumentFormat::Text)
    );
    let table = read_table_document(csv.as_bytes());
    assert_eq!(
        table.map(|d| (d.format, d.blocks)),
        Ok((
            DocumentFormat::Csv,
            vec![Block::Table(vec![
                vec!["索引号".into(), "名称".into(), "文号".into()],
                vec![
                    "A-1".into(),
                    "关于公开的通知".into(),
                    "教发〔2024〕1号".into()
                ],
            ])]
        ))
    );
    let xls = read_table_document(&fixture("table-plan.xls")).map(|d| d.format);
    assert_eq!(xls, Ok(DocumentFormat::Xls));
    // Text with no separator is no table (a plan's text with commas is, until the ledger
    // finds no header in it).
    assert_eq!(
        read_table_document("一、做好公开\n二、加强解读\n".as_bytes()).map(|d| d.format),
        Err(PlanError::NoTable)
    );
    assert_eq!(
        read_table_document(&fixture("dalian-education-2019-plan.pdf")).map(|d| d.format),
        Err(PlanError::NoTable)
    );
}
