//! The bundle's `index.html`: what a person sees when they open the bundle from disk.
//!
//! One static page in Chinese: no scripts, no remote fonts or styles (a CSP that forbids them),
//! every item with its facts and links to its attachments by their place in the bundle. Every
//! text from the catalog is escaped: an item title is text, never markup.
//!
//! The page is a function of the manifest alone, byte for byte: `verify` writes it again from a
//! bundle's manifest and refuses a bundle whose page differs, so a page edited after export
//! (other text, other links) cannot pass. A change to the page's bytes is therefore a change of
//! the bundle format: bundles of earlier formats must still get the page they were written with.

use desk_core::export::{field_text, Manifest, ManifestItem};
use sha2::{Digest, Sha256};
use std::fmt::{self, Write};

pub fn index_page(manifest: &Manifest) -> String {
    let mut out = String::with_capacity(4096 + manifest.items.len() * 1024);
    // Writing to a String cannot fail.
    let _ = write_page(&mut out, manifest);
    out
}

/// The hex SHA-256 of the page of `manifest`, computed as the page is written: a hostile
/// manifest's page is never held in memory whole.
pub fn index_page_sha256(manifest: &Manifest) -> String {
    let mut hasher = Hashing(Sha256::new());
    let _ = write_page(&mut hasher, manifest);
    crate::digest::hex(&hasher.0.finalize())
}

struct Hashing(Sha256);

impl Write for Hashing {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

fn write_page(out: &mut impl Write, manifest: &Manifest) -> fmt::Result {
    out.write_str(concat!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<title>政府信息公开事项导出包</title>\n<style>\n",
        "body{font-family:\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"PingFang SC\",sans-serif;font-size:14px;margin:24px;color:#1f2328}\n",
        "h1{font-size:20px;margin:0 0 8px}\n.meta{color:#57606a;margin:0 0 16px}\n",
        "table{border-collapse:collapse;width:100%}\nth,td{border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}\n",
        "th{background:#f6f8fa;position:sticky;top:0}\ntd.n{text-align:right;color:#57606a}\nul{margin:0;padding-left:18px}\n",
        "</style>\n</head>\n<body>\n<h1>政府信息公开事项导出包</h1>\n"
    ))?;
    write!(
        out,
        "<p class=\"meta\">共 {} 项 · 导出时间 ",
        manifest.items.len()
    )?;
    escape_into(
        out,
        &manifest.created_at.replace('T', " ").replace('Z', " UTC"),
    )?;
    out.write_str(" · 导出包编号 ")?;
    escape_into(out, &manifest.bundle_id)?;
    out.write_str("</p>\n")?;
    out.write_str("<table>\n<thead><tr><th>序号</th><th>索引号</th><th>名称</th><th>文号</th><th>发布机构</th><th>成文日期</th><th>公开渠道</th><th>附件</th></tr></thead>\n<tbody>\n")?;
    for (n, item) in manifest.items.iter().enumerate() {
        row(out, n + 1, item)?;
    }
    out.write_str("</tbody>\n</table>\n<p class=\"meta\">附件在导出包的 attachments 文件夹中；解压后可直接打开。核验导出包：desk verify 导出包.zip</p>\n</body>\n</html>\n")
}

fn row(out: &mut impl Write, n: usize, item: &ManifestItem) -> fmt::Result {
    let issuer = match field_text(item, "issuing_body") {
        "" => item.labels.lead_department.as_str(),
        body => body,
    };
    let channels: Vec<&str> = item
        .fields
        .get("channels")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|c| c.as_str()).collect())
        .unwrap_or_default();
    // A redacted document is named so on the page: the web team publishes it marked so. Pages
    // of items without it are as before, byte for byte.
    let redacted = field_text(item, "disclosure") == "redacted";
    write!(out, "<tr><td class=\"n\">{n}</td>")?;
    for (column, text) in [
        field_text(item, "index_no"),
        field_text(item, "title"),
        field_text(item, "doc_no"),
        issuer,
        field_text(item, "date_written"),
        &channels.join("、"),
    ]
    .into_iter()
    .enumerate()
    {
        out.write_str("<td>")?;
        escape_into(out, text)?;
        if column == 1 && redacted {
            out.write_str("（删减后公开）")?;
        }
        out.write_str("</td>")?;
    }
    out.write_str("<td>")?;
    if !item.attachments.is_empty() {
        out.write_str("<ul>")?;
        for a in &item.attachments {
            out.write_str("<li><a href=\"")?;
            escape_into(out, &a.path)?;
            out.write_str("\">")?;
            escape_into(out, &a.name)?;
            write!(out, "</a> ({})</li>", size_text(a.size))?;
        }
        out.write_str("</ul>")?;
    }
    out.write_str("</td></tr>\n")
}

fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / (1u64 << 20) as f64)
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

#[cfg(test)]
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut impl Write, text: &str) -> fmt::Result {
    for c in text.chars() {
        match c {
            '&' => out.write_str("&amp;")?,
            '<' => out.write_str("&lt;")?,
            '>' => out.write_str("&gt;")?,
            '"' => out.write_str("&quot;")?,
            '\'' => out.write_str("&#39;")?,
            c => out.write_char(c)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_stays_text() {
        for (input, expected) in [
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            ("a&b", "a&amp;b"),
            ("\"'", "&quot;&#39;"),
            ("关于〔2019〕12号", "关于〔2019〕12号"),
        ] {
            assert_eq!(escape(input), expected);
        }
    }
}
