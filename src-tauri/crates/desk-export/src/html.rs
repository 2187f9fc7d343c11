//! The bundle's `index.html`: what a person sees when they open the bundle from disk.
//!
//! One static page in Chinese: no scripts, no remote fonts or styles (a CSP that forbids them),
//! every item with its facts and links to its attachments by their place in the bundle. Every
//! text from the catalog is escaped: an item title is text, never markup.

use desk_core::export::{field_text, Manifest, ManifestItem};

pub fn index_page(manifest: &Manifest) -> String {
    let mut out = String::with_capacity(4096 + manifest.items.len() * 1024);
    out.push_str(concat!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<title>政府信息公开事项导出包</title>\n<style>\n",
        "body{font-family:\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"PingFang SC\",sans-serif;font-size:14px;margin:24px;color:#1f2328}\n",
        "h1{font-size:20px;margin:0 0 8px}\n.meta{color:#57606a;margin:0 0 16px}\n",
        "table{border-collapse:collapse;width:100%}\nth,td{border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}\n",
        "th{background:#f6f8fa;position:sticky;top:0}\ntd.n{text-align:right;color:#57606a}\nul{margin:0;padding-left:18px}\n",
        "</style>\n</head>\n<body>\n<h1>政府信息公开事项导出包</h1>\n"
    ));
    out.push_str(&format!(
        "<p class=\"meta\">共 {} 项 · 导出时间 {} · 导出包编号 {}</p>\n",
        manifest.items.len(),
        escape(&manifest.created_at.replace('T', " ").replace('Z', " UTC")),
        escape(&manifest.bundle_id)
    ));
    out.push_str("<table>\n<thead><tr><th>序号</th><th>索引号</th><th>名称</th><th>文号</th><th>发布机构</th><th>成文日期</th><th>公开渠道</th><th>附件</th></tr></thead>\n<tbody>\n");
    for (n, item) in manifest.items.iter().enumerate() {
        row(&mut out, n + 1, item);
    }
    out.push_str("</tbody>\n</table>\n<p class=\"meta\">附件在导出包的 attachments 文件夹中；解压后可直接打开。核验导出包：desk verify 导出包.zip</p>\n</body>\n</html>\n");
    out
}

fn row(out: &mut String, n: usize, item: &ManifestItem) {
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
    out.push_str(&format!(
        "<tr><td class=\"n\">{n}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>",
        escape(field_text(item, "index_no")),
        escape(field_text(item, "title")),
        escape(field_text(item, "doc_no")),
        escape(issuer),
        escape(field_text(item, "date_written")),
        escape(&channels.join("、")),
    ));
    if !item.attachments.is_empty() {
        out.push_str("<ul>");
        for a in &item.attachments {
            out.push_str(&format!(
                "<li><a href=\"{}\">{}</a> ({})</li>",
                escape(&a.path),
                escape(&a.name),
                size_text(a.size)
            ));
        }
        out.push_str("</ul>");
    }
    out.push_str("</td></tr>\n");
}

fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / (1u64 << 20) as f64)
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
