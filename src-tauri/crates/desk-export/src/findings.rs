//! What a verification found, listed with a bound: a hostile zip of half a million bad entries
//! must not make a report of half a million lines. Each code is listed a limited number of
//! times, then once more saying how many more there were; `left_out` counts the rest.

use desk_core::export::BundleProblem;
use std::collections::BTreeMap;

pub(crate) struct Findings {
    per_code: u64,
    problems: Vec<BundleProblem>,
    warnings: Vec<BundleProblem>,
    /// How often each code was found, problems and warnings apart (`true` for a warning).
    counts: BTreeMap<(bool, String), u64>,
}

/// The lists as the report carries them.
pub(crate) struct Listed {
    pub problems: Vec<BundleProblem>,
    pub warnings: Vec<BundleProblem>,
    pub left_out: u64,
}

impl Findings {
    /// Lists at most `per_code` findings of each code (at least one).
    pub fn new(per_code: usize) -> Findings {
        Findings {
            per_code: (per_code as u64).max(1),
            problems: Vec::new(),
            warnings: Vec::new(),
            counts: BTreeMap::new(),
        }
    }

    /// Something that makes the bundle fail.
    pub fn add(&mut self, code: &str, subject: &str, message: impl Into<String>) {
        self.push(false, code, subject, message);
    }

    /// Something the web team should know that does not make the bundle fail.
    pub fn warn(&mut self, code: &str, subject: &str, message: impl Into<String>) {
        self.push(true, code, subject, message);
    }

    fn push(&mut self, warning: bool, code: &str, subject: &str, message: impl Into<String>) {
        let count = self.counts.entry((warning, code.to_string())).or_insert(0);
        *count += 1;
        if *count > self.per_code {
            return;
        }
        let problem = BundleProblem {
            code: code.to_string(),
            subject: subject.to_string(),
            message: message.into(),
        };
        if warning {
            self.warnings.push(problem);
        } else {
            self.problems.push(problem);
        }
    }

    /// The lists, each code over the bound followed by one line saying how many more.
    pub fn finish(mut self) -> Listed {
        let mut left_out = 0u64;
        for ((warning, code), count) in &self.counts {
            let more = count.saturating_sub(self.per_code);
            if more == 0 {
                continue;
            }
            left_out = left_out.saturating_add(more);
            let summary = BundleProblem {
                code: code.clone(),
                subject: String::new(),
                message: format!("and {more} more like this, not listed"),
            };
            if *warning {
                self.warnings.push(summary);
            } else {
                self.problems.push(summary);
            }
        }
        Listed {
            problems: self.problems,
            warnings: self.warnings,
            left_out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Findings;

    #[test]
    fn each_code_is_listed_a_bounded_number_of_times_then_summed_up() {
        let mut found = Findings::new(3);
        for n in 0..10 {
            found.add("entry_unsafe_path", &format!("#{n}"), "bad");
        }
        found.add("entry_missing", "index.html", "missing");
        found.warn("signoff_unsigned", "a", "unsigned");
        let listed = found.finish();
        let codes: Vec<(&str, &str)> = listed
            .problems
            .iter()
            .map(|p| (p.code.as_str(), p.subject.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("entry_unsafe_path", "#0"),
                ("entry_unsafe_path", "#1"),
                ("entry_unsafe_path", "#2"),
                ("entry_missing", "index.html"),
                ("entry_unsafe_path", ""),
            ]
        );
        assert_eq!(
            listed.problems[4].message,
            "and 7 more like this, not listed"
        );
        assert_eq!(listed.left_out, 7);
        assert_eq!(listed.warnings.len(), 1);
    }
}
