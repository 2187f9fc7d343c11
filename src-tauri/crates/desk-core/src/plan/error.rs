//! Why a plan could not be read: one variant per thing the person can act on, each with a
//! stable code the UI translates. Hostile documents (zip bombs, entity expansion, deep nesting,
//! huge sheets) get their own variants so the message says what was refused and why.

/// Why a plan file could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("the plan file is {size} bytes; plans over {max} bytes are not read — split it or paste the part you need")]
    TooLarge { size: usize, max: usize },
    #[error("the file is not text (it looks like a binary file such as an image or an archive): open a .docx, .pdf, .ofd, .xlsx, .xls, .et, .csv or .txt plan")]
    Binary,
    #[error(
        "the text is neither UTF-8, UTF-16 nor GB18030/GBK: save it as UTF-8 text and try again"
    )]
    UnknownEncoding,
    #[error("the plan is empty")]
    Empty,
    #[error("this is an old binary Word or WPS document (.doc, .wps): open it in Word or WPS, save it as .docx (Word document), and open that")]
    OldOfficeFormat,
    #[error("the document is protected by a password: open it in WPS, Word or a PDF reader, remove the password (or save an unprotected copy), and open that")]
    Encrypted,
    #[error("reading the document was stopped ({detail}): the file is damaged or built to break readers; open it in WPS or a PDF reader, save it again, and retry")]
    ReaderStopped { detail: String },
    #[error("this archive is not a Word (.docx), Excel (.xlsx) or OFD document (OpenDocument files are not read in this version): save the plan as .docx in WPS or Word and open that")]
    UnknownDocument,
    #[error("only an ordinary file can be read as a plan; this is a folder, a device or a pipe")]
    NotAFile,
    #[error("the document is damaged and cannot be read ({detail}): open it in Word or WPS, save it again, and retry")]
    Damaged { detail: String },
    #[error("the document unpacks to more than {max} bytes ({part}): a plan is far smaller, so the file is damaged or not a plan, and it was not unpacked")]
    ArchiveTooLarge { part: String, max: u64 },
    #[error("the document has too many parts ({count}, at most {max} are read): it is not an ordinary Word or Excel file")]
    ArchiveTooManyEntries { count: usize, max: usize },
    #[error("the document's XML declares a document type (DOCTYPE) in {part}; Word, WPS and Excel never write one, and its entities are not expanded: the file was refused")]
    XmlDoctype { part: String },
    #[error(
        "the document's XML in {part} is nested deeper than {max} levels: the file was refused"
    )]
    XmlTooDeep { part: String, max: usize },
    #[error("the document has no text, only images: it is a scanned copy, and this version does not recognise text in images (no OCR) — open the original Word/WPS document, or a PDF or OFD saved from it, and open that")]
    NoTextLayer,
    #[error("the file holds no table: a ledger (台账) is a sheet whose header row names its columns (索引号, 名称, 文号 …); open it as .xlsx, .xls, .et or .csv")]
    NoTable,
    #[error("the document has more than {max} pages: a plan is far shorter, so it was not read")]
    TooManyPages { max: usize },
    #[error("the table is too large to be a plan ({detail}): keep the plan's sheet and save it as a new file")]
    TableTooLarge { detail: String },
}

impl PlanError {
    /// A stable key for the UI to translate.
    pub fn code(&self) -> &'static str {
        match self {
            PlanError::TooLarge { .. } => "plan_too_large",
            PlanError::Binary => "plan_binary",
            PlanError::UnknownEncoding => "plan_unknown_encoding",
            PlanError::Empty => "plan_empty",
            PlanError::OldOfficeFormat => "plan_old_office_format",
            PlanError::Encrypted => "plan_encrypted",
            PlanError::ReaderStopped { .. } => "plan_reader_stopped",
            PlanError::UnknownDocument => "plan_unknown_document",
            PlanError::NotAFile => "plan_not_a_file",
            PlanError::Damaged { .. } => "plan_document_damaged",
            PlanError::ArchiveTooLarge { .. } => "plan_archive_too_large",
            PlanError::ArchiveTooManyEntries { .. } => "plan_archive_too_many_entries",
            PlanError::XmlDoctype { .. } => "plan_xml_doctype",
            PlanError::XmlTooDeep { .. } => "plan_xml_too_deep",
            PlanError::TableTooLarge { .. } => "plan_table_too_large",
            PlanError::NoTextLayer => "plan_no_text_layer",
            PlanError::NoTable => "plan_no_table",
            PlanError::TooManyPages { .. } => "plan_too_many_pages",
        }
    }

    pub(crate) fn damaged(detail: impl std::fmt::Display) -> PlanError {
        PlanError::Damaged {
            detail: detail.to_string(),
        }
    }
}
