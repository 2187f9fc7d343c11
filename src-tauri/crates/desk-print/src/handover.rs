//! 移送明细表: what a bundle handed to the web team (or the archive) holds, with the bundle's id
//! and checksums, and boxes for who handed it over and who received it.

use crate::font::Font;
use crate::layout::{Cell, Flow, Page, Row, Table, CONTENT_WIDTH};

pub const TITLE: &str = "政府信息公开移送明细表";

/// A bundle as the form lists it.
#[derive(Debug, Clone, Default)]
pub struct Handover {
    pub bundle_id: String,
    pub file_name: String,
    /// `sha256:<hex>` of the bundle file.
    pub file_sha256: String,
    /// `sha256:<hex>` of its manifest, as the web team's verification shows it.
    pub manifest_sha256: String,
    pub created_at: String,
    pub created_by: String,
    /// What checking the bundle proved, in words (only a bundle that passes is listed).
    pub verification: String,
    pub items: Vec<HandoverItem>,
    pub printed_at: String,
}

#[derive(Debug, Clone, Default)]
pub struct HandoverItem {
    pub index_no: String,
    pub title: String,
    pub doc_no: String,
    pub signer: String,
    pub signed_on: String,
    pub attachments: u32,
}

pub(crate) fn lay_out(font: &Font, handover: &Handover) -> Vec<Page> {
    let mut flow = Flow::new(font, format!("{TITLE}（续）  批次：{}", handover.bundle_id));
    flow.gap(6.0);
    flow.heading(TITLE, 20.0);
    flow.gap(8.0);
    let verdict = &handover.verification;
    flow.table(&Table {
        columns: vec![0.17, 0.83],
        header: None,
        rows: vec![
            Row::new(vec![
                Cell::label("批次编号"),
                Cell::text(&handover.bundle_id),
            ]),
            Row::new(vec![Cell::label("文件"), Cell::text(&handover.file_name)]),
            Row::new(vec![
                Cell::label("文件校验值"),
                Cell::text(&handover.file_sha256),
            ]),
            Row::new(vec![
                Cell::label("清单校验值"),
                Cell::text(&handover.manifest_sha256),
            ]),
            Row::new(vec![
                Cell::label("导出"),
                Cell::text(format!("{}  {}", handover.created_at, handover.created_by)),
            ]),
            Row::new(vec![
                Cell::label("事项与校验"),
                Cell::text(format!("共 {} 项；{verdict}", handover.items.len())),
            ]),
        ],
        size: 9.0,
    });
    flow.gap(12.0);
    let header = Row::new(
        [
            "序号",
            "索引号",
            "名称",
            "文号",
            "签批人",
            "签批日期",
            "附件数",
        ]
        .into_iter()
        .map(Cell::label)
        .collect(),
    );
    let mut rows: Vec<Row> = handover
        .items
        .iter()
        .enumerate()
        .map(|(n, item)| {
            Row::new(vec![
                Cell::centered((n + 1).to_string()),
                Cell::text(&item.index_no),
                Cell::text(&item.title),
                Cell::text(&item.doc_no),
                Cell::centered(&item.signer),
                Cell::centered(&item.signed_on),
                Cell::centered(item.attachments.to_string()),
            ])
        })
        .collect();
    if rows.is_empty() {
        rows.push(Row::new(vec![Cell::centered("（本批次没有事项）").span(7)]));
    }
    flow.table(&Table {
        columns: vec![0.05, 0.235, 0.285, 0.15, 0.09, 0.12, 0.07],
        header: Some(header),
        rows,
        size: 8.5,
    });
    flow.gap(14.0);
    flow.keep(2.0 * 56.0 + 30.0);
    let row = |label: &str| {
        Row::new(vec![
            Cell::label(label),
            Cell::text(""),
            Cell::label("日期"),
            Cell::centered("年    月    日"),
        ])
        .tall(56.0)
    };
    flow.table(&Table {
        columns: vec![0.2, 0.45, 0.1, 0.25],
        header: None,
        rows: vec![row("移交人签字"), row("接收人签字")],
        size: 10.0,
    });
    flow.gap(6.0);
    flow.paragraph(
        &format!(
            "打印：{}。接收方可用 desk verify 校验批次文件，文件校验值应与上表一致。",
            handover.printed_at
        ),
        8.0,
        CONTENT_WIDTH,
    );
    flow.finish()
}
