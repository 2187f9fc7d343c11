//! Paper forms matched back to the catalog: the code printed on a 审查呈批单.

use crate::error::{Result, StoreError};
use crate::Catalog;
use chrono::NaiveDate;
use desk_core::verify_code::{self, PaperCheck, VerifyCode};

impl Catalog {
    /// The item a form's code names, and whether its content changed since the form was
    /// printed. A code that is not one, or is mistyped, is refused with its problem.
    pub fn check_paper(&self, code: &str, today: NaiveDate) -> Result<PaperCheck> {
        let parsed = VerifyCode::parse(code).map_err(|p| StoreError::Refused(vec![p]))?;
        let mut matches = Vec::new();
        // Ids are short and hashing one is cheap: a scan beats keeping an index of tags.
        for id in self.item_ids()? {
            if !parsed.names_item(&id) {
                continue;
            }
            let review = self.item_review(&id, today)?;
            let item = self.item(&id)?;
            if let Some(found) =
                verify_code::judge(&parsed, &item, &review.content_hash, &review.signoffs)
            {
                matches.push(found);
            }
        }
        Ok(PaperCheck {
            code: parsed.to_string(),
            matches,
        })
    }
}
