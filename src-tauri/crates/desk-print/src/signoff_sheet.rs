//! 政府信息公开审查呈批单: one item's facts, its checklist, its sign-offs, boxes for the
//! handwritten signatures, and the code (with its QR code) that matches the paper to the catalog.

use crate::font::Font;
use crate::labels;
use crate::layout::{Cell, Flow, Mark, Page, Row, Table, CONTENT_WIDTH, MARGIN_X, PAGE_WIDTH};
use crate::names::Names;
use crate::qr;
use desk_core::fields::withheld_reason_label_zh;
use desk_core::model::{Disclosure, Item};
use desk_core::review::ItemReview;
use desk_core::verify_code::VerifyCode;

pub const TITLE: &str = "政府信息公开审查呈批单";
const QR_SIDE: f32 = 78.0;
const SECTION_KEEP: f32 = 80.0;

/// What one sheet prints.
pub struct SignoffSheet<'a> {
    pub item: &'a Item,
    pub review: &'a ItemReview,
    pub names: &'a Names,
    /// As the sheet shows it, e.g. "2026-12-07 14:05".
    pub printed_at: String,
    pub printed_by: String,
}

impl SignoffSheet<'_> {
    /// The code printed on the sheet: this item with its content now.
    pub fn code(&self) -> VerifyCode {
        VerifyCode::of(&self.item.id, &self.review.content_hash)
    }
}

pub(crate) fn lay_out(font: &Font, sheet: &SignoffSheet) -> Vec<Page> {
    let item = sheet.item;
    let names = sheet.names;
    let code = sheet.code().to_string();
    let index = if item.index_no.is_empty() {
        "（未编号）".to_string()
    } else {
        item.index_no.clone()
    };
    let mut flow = Flow::new(
        font,
        format!("{TITLE}（续）  索引号：{index}  核对码：{code}"),
    );

    // The QR code at the top right, the title and the sheet's own facts to its left.
    let top = flow.y();
    if let Some(marks) = qr::marks(&code, PAGE_WIDTH - MARGIN_X - QR_SIDE, top, QR_SIDE) {
        for mark in marks {
            flow.mark(mark);
        }
    }
    let code_size = 7.0;
    let code_width = font.width(&code, code_size);
    flow.mark(Mark::Text {
        x: PAGE_WIDTH - MARGIN_X - QR_SIDE / 2.0 - code_width / 2.0,
        y: top - QR_SIDE - code_size,
        size: code_size,
        text: code.clone(),
    });
    flow.gap(14.0);
    flow.heading(TITLE, 20.0);
    flow.gap(10.0);
    let beside_qr = CONTENT_WIDTH - QR_SIDE - 10.0;
    flow.paragraph(&format!("索引号：{index}"), 10.0, beside_qr);
    flow.paragraph(
        &format!("打印：{}  {}", sheet.printed_at, sheet.printed_by),
        9.0,
        beside_qr,
    );
    let below_qr = top - QR_SIDE - code_size * 2.5;
    if flow.y() > below_qr {
        flow.gap(flow.y() - below_qr);
    }
    flow.gap(6.0);

    flow.table(&facts(item, sheet.review, names));
    flow.gap(12.0);
    // A section's title stays with the table's header and first row.
    flow.keep(SECTION_KEEP);
    flow.paragraph("审查事项", 12.0, CONTENT_WIDTH);
    flow.gap(2.0);
    flow.table(&checklist(sheet.review, names));
    flow.gap(12.0);
    flow.keep(SECTION_KEEP);
    flow.paragraph("签批记录", 12.0, CONTENT_WIDTH);
    flow.gap(2.0);
    flow.table(&signoffs(sheet.review));
    flow.gap(12.0);

    let boxes = handwriting(item, names);
    // The signature boxes stay together on one page.
    flow.keep(3.0 * 62.0 + 40.0);
    flow.table(&boxes);
    flow.gap(8.0);
    flow.paragraph(
        &format!(
            "核对码 {code}：在 Disclosure Desk 的“核对纸质单”中输入此码或扫描二维码，或运行 desk item verify-code {code}，可查到本单对应的事项，以及打印后内容是否有改动。"
        ),
        8.0,
        CONTENT_WIDTH,
    );
    flow.finish()
}

fn facts(item: &Item, review: &ItemReview, names: &Names) -> Table {
    let or_dash = |s: &str| {
        if s.trim().is_empty() {
            "—".to_string()
        } else {
            s.to_string()
        }
    };
    let date = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "—".into())
    };
    let mut rows = vec![
        Row::new(vec![
            Cell::label("名称"),
            Cell::text(or_dash(&item.title)).span(3),
        ]),
        Row::new(vec![
            Cell::label("文号"),
            Cell::text(or_dash(&item.doc_no)),
            Cell::label("成文日期"),
            Cell::text(date(item.date_written)),
        ]),
        Row::new(vec![
            Cell::label("发布机构"),
            Cell::text(or_dash(&item.issuing_body)),
            Cell::label("主题分类"),
            Cell::text(or_dash(&item.subject_category)),
        ]),
        Row::new(vec![
            Cell::label("公开属性"),
            Cell::text(labels::disclosure(item.disclosure)),
            Cell::label("公开渠道"),
            Cell::text(or_dash(&item.channels.join("、"))),
        ]),
    ];
    if item.disclosure != Disclosure::Proactive || item.withheld_reason.is_some() {
        let reason = item
            .withheld_reason
            .map(withheld_reason_label_zh)
            .unwrap_or("—");
        let text = if item.withheld_note.trim().is_empty() {
            reason.to_string()
        } else {
            format!("{reason}：{}", item.withheld_note.trim())
        };
        rows.push(Row::new(vec![
            Cell::label(labels::reason_label(item.disclosure)),
            Cell::text(text).span(3),
        ]));
    }
    rows.push(Row::new(vec![
        Cell::label("公开依据"),
        Cell::text(or_dash(&item.legal_basis)).span(3),
    ]));
    let co: Vec<String> = item
        .co_department_ids
        .iter()
        .map(|id| names.department(id))
        .chain(item.other_responsible.iter().cloned())
        .collect();
    rows.push(Row::new(vec![
        Cell::label("牵头部门"),
        Cell::text(
            item.lead_department_id
                .as_deref()
                .map(|id| names.department(id))
                .unwrap_or_else(|| "—".into()),
        ),
        Cell::label("配合部门"),
        Cell::text(or_dash(&co.join("、"))),
    ]));
    let person = |id: &Option<String>| {
        id.as_deref()
            .map(|id| names.person(id))
            .unwrap_or_else(|| "—".into())
    };
    rows.push(Row::new(vec![
        Cell::label("经办人"),
        Cell::text(person(&item.clerk_id)),
        Cell::label("审核人"),
        Cell::text(person(&item.reviewer_id)),
    ]));
    rows.push(Row::new(vec![
        Cell::label("当前状态"),
        Cell::text(labels::status(review.status)),
        Cell::label("内容校验值"),
        Cell::text(review.content_hash.chars().take(7 + 16).collect::<String>()),
    ]));
    Table {
        columns: vec![0.15, 0.35, 0.15, 0.35],
        header: None,
        rows,
        size: 10.0,
    }
}

fn checklist(review: &ItemReview, names: &Names) -> Table {
    let header = Row::new(
        ["序号", "审查事项", "结果", "审查人", "时间", "说明"]
            .into_iter()
            .map(Cell::label)
            .collect(),
    );
    let rows = review
        .checklist
        .checks
        .iter()
        .enumerate()
        .map(|(n, check)| {
            let label = if check.def.group.is_empty() {
                check.def.label.clone()
            } else {
                format!("{}：{}", check.def.group, check.def.label)
            };
            let (who, when, note) = match &check.mark {
                Some(mark) => (
                    names.person(&mark.by),
                    labels::time(&mark.at),
                    mark.note.clone(),
                ),
                None if check.findings.is_empty() => ("—".into(), "—".into(), String::new()),
                None => ("系统核验".into(), "—".into(), String::new()),
            };
            let findings: Vec<String> = check.findings.iter().map(labels::finding).collect();
            let note = [note.as_str(), &findings.join("；")]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("；");
            Row::new(vec![
                Cell::centered((n + 1).to_string()),
                Cell::text(label),
                Cell::centered(labels::check_state(check.state)),
                Cell::centered(who),
                Cell::centered(when),
                Cell::text(note),
            ])
        })
        .collect::<Vec<_>>();
    let rows = if rows.is_empty() {
        vec![Row::new(vec![Cell::centered("（无审查事项）").span(6)])]
    } else {
        rows
    };
    Table {
        columns: vec![0.07, 0.33, 0.09, 0.12, 0.17, 0.22],
        header: Some(header),
        rows,
        size: 9.0,
    }
}

fn signoffs(review: &ItemReview) -> Table {
    let header = Row::new(
        ["签批人", "签批时间", "身份", "电子签名"]
            .into_iter()
            .map(Cell::label)
            .collect(),
    );
    let mut rows: Vec<Row> = review
        .signoffs
        .iter()
        .enumerate()
        .map(|(n, signoff)| {
            let verdict = review
                .verdicts
                .get(n)
                .map(labels::verdict)
                .unwrap_or_else(|| "—".into());
            let current = if n == 0 && review.signoff_matches == Some(false) {
                "（签批后内容已改动，此签批已失效）"
            } else {
                ""
            };
            Row::new(vec![
                Cell::centered(signoff.signer_name.clone()),
                Cell::centered(labels::time(&signoff.at)),
                Cell::centered(labels::basis(signoff.basis)),
                Cell::text(format!("{verdict}{current}")),
            ])
        })
        .collect();
    if rows.is_empty() {
        rows.push(Row::new(vec![Cell::centered("尚未签批").span(4)]));
    }
    Table {
        columns: vec![0.15, 0.2, 0.13, 0.52],
        header: Some(header),
        rows,
        size: 9.0,
    }
}

fn handwriting(item: &Item, names: &Names) -> Table {
    let person = |id: &Option<String>| id.as_deref().map(|id| names.person(id)).unwrap_or_default();
    let signer = person(&item.signer_id);
    let reviewer = person(&item.reviewer_id);
    let clerk = person(&item.clerk_id);
    let row = |label: &str, name: String| {
        Row::new(vec![
            Cell::label(label),
            Cell::text(if name.is_empty() {
                String::new()
            } else {
                format!("（{name}）")
            }),
            Cell::label("日期"),
            Cell::centered("年    月    日"),
        ])
        .tall(62.0)
    };
    Table {
        columns: vec![0.2, 0.45, 0.1, 0.25],
        header: None,
        rows: vec![
            row("经办人签字", clerk),
            row("审核人意见及签字", reviewer),
            row("签批人意见及签字", signer),
        ],
        size: 10.0,
    }
}
