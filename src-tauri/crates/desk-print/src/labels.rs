//! The words the forms print for the catalog's values.

use desk_core::checklist::{CheckState, Finding};
use desk_core::model::{Disclosure, Status};
use desk_core::signoff::{SignBasis, SignatureVerdict};

pub(crate) fn disclosure(d: Disclosure) -> &'static str {
    desk_core::fields::disclosure_label_zh(d)
}

/// What the reason row is called: for a redacted item it is the ground for what was removed.
pub(crate) fn reason_label(d: Disclosure) -> &'static str {
    match d {
        Disclosure::Redacted => "删减依据",
        Disclosure::Proactive | Disclosure::OnRequest | Disclosure::Withheld => "不公开依据",
    }
}

pub(crate) fn status(s: Status) -> &'static str {
    desk_core::fields::status_label_zh(s)
}

pub(crate) fn check_state(s: CheckState) -> &'static str {
    match s {
        CheckState::Pending => "待审查",
        CheckState::Passed => "通过",
        CheckState::Failed => "不通过",
        CheckState::NotApplicable => "不适用",
    }
}

pub(crate) fn basis(b: SignBasis) -> &'static str {
    match b {
        SignBasis::SectionHead => "处室负责人",
        SignBasis::Office => "办公室",
    }
}

pub(crate) fn verdict(v: &SignatureVerdict) -> String {
    match v {
        SignatureVerdict::NotSetUp => "本单位未启用电子签名".into(),
        SignatureVerdict::Unsigned => "无电子签名".into(),
        SignatureVerdict::Valid {
            fingerprint,
            by_office,
            ..
        } => {
            if *by_office {
                format!("签名有效（办公室确认），密钥指纹 {fingerprint}")
            } else {
                format!("签名有效，密钥指纹 {fingerprint}")
            }
        }
        SignatureVerdict::Invalid { code, .. } => format!("签名无效（{code}）"),
    }
}

/// "2026-12-07 14:05" from an RFC 3339 time, in the PC's time zone.
pub(crate) fn time(rfc3339: &str) -> String {
    crate::local_time(rfc3339, "%Y-%m-%d %H:%M")
}

/// What an automatic check found, as the form prints it (never the personal numbers themselves).
pub(crate) fn finding(f: &Finding) -> String {
    match f {
        Finding::DisclosureReasonMissing => "未填写不公开依据或理由".into(),
        Finding::PersonalData { hits } => format!("有 {} 处未遮盖的个人信息", hits.len()),
        Finding::InterpretationMissing => "缺少政策解读".into(),
        Finding::InterpretationNotGoingOut { title } => format!("关联的解读《{title}》不会公开"),
        Finding::CommentPeriodMissing => "未填写征求意见期".into(),
        Finding::CommentPeriodTooShort { days, min_days } => {
            format!("征求意见期 {days} 天，少于 {min_days} 天")
        }
        Finding::CommentFeedbackMissing => "缺少意见采纳情况反馈".into(),
        Finding::AttachmentMissing { name } => format!("附件缺失：{name}"),
        Finding::AttachmentDamaged { name } => format!("附件已损坏：{name}"),
        Finding::LinkBroken { .. } => "关联的事项已不存在".into(),
        Finding::UrlMalformed { url } => format!("网址有误：{url}"),
    }
}
