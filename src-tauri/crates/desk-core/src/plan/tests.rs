//! End-to-end tests of the plan parser: the real Dalian sample in every encoding and character
//! form, then short data-driven cases per feature, a property test and a large generated plan.
//! Module-level details (markers, department clauses, garble patterns, decoding) are tested next
//! to their code.

use proptest::prelude::*;

use super::chars::is_space;
use super::*;
use crate::text::fold;
use DepartmentRole::{Co, Lead, Responsible};

const SAMPLE: &str = include_str!("../../tests/fixtures/plan/dalian-education-2019-plan.txt");

/// One line per task, then one per warning:
/// `[3, 2] 三、(二) «title» 規法處:R, 各學校:R*` (`*` marks a group; roles L, C, R) and
/// `code #task «excerpt»`.
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
                        Lead => "L",
                        Co => "C",
                        Responsible => "R",
                    };
                    format!("{}:{role}{}", d.name, if d.group { "*" } else { "" })
                })
                .collect();
            format!(
                "{:?} {} «{}» {}",
                t.path,
                t.number,
                t.title,
                departments.join(", ")
            )
            .trim_end()
            .to_owned()
        })
        .collect();
    out.extend(parse.warnings.iter().map(|w| {
        let task = w.task.map_or("-".to_owned(), |t| format!("#{t}"));
        format!("{} {task} «{}»", w.code, w.excerpt)
    }));
    out
}

fn check(input: &str, expected: &[&str]) {
    assert_eq!(render(&parse_plan(input)), expected, "input {input:?}");
}

#[test]
fn sample_tasks() {
    let parse = parse_plan(SAMPLE);
    type Dept = (&'static str, DepartmentRole, bool);
    /// path, number, section, title, departments
    type Task = (
        &'static [u32],
        &'static str,
        &'static str,
        &'static str,
        &'static [Dept],
    );
    const S1: &str = "深入推進決策和執行公開";
    const S2: &str = "加強政策解讀意見征集和回應關切";
    const S3: &str = "深入推進重點領域信息公開";
    const S4: &str = "加強公開平臺建設";
    const S5: &str = "提升工作質量,完善公開制度規范";
    const OFFICE: Dept = ("辦公室", Responsible, false);
    const PARTY: Dept = ("機關黨辦", Responsible, false);
    const LAW: Dept = ("規法處", Responsible, false);
    const ALL: Dept = ("各相關處室和單位", Responsible, true);
    const DIVISIONS: Dept = ("各相關處室", Responsible, true);
    let expected: &[Task] = &[
        (
            &[1, 1],
            "一、(一)",
            S1,
            "推進決策公開",
            &[ALL, OFFICE, PARTY],
        ),
        (&[1, 2], "一、(二)", S1, "全面推行行政執法公示制度", &[LAW]),
        (
            &[2, 1],
            "二、(一)",
            S2,
            "充分發揮政策解讀的釋疑引導作用",
            &[DIVISIONS, OFFICE, PARTY],
        ),
        (
            &[2, 2],
            "二、(二)",
            S2,
            "積極回應社會關切",
            &[ALL, OFFICE, PARTY],
        ),
        (
            &[2, 3],
            "二、(三)",
            S2,
            "做好行政規范性文件公眾意見征集工作",
            &[DIVISIONS, OFFICE],
        ),
        (
            &[3, 1],
            "三、(一)",
            S3,
            "深化“放管服”改革信息公開",
            &[LAW, DIVISIONS],
        ),
        (
            &[3, 2],
            "三、(二)",
            S3,
            "做好重點民生領域信息公開",
            &[
                LAW,
                ("學前處", Responsible, false),
                ("義教處", Responsible, false),
                ("各區市縣和先導區教育行政部門", Responsible, true),
            ],
        ),
        (
            &[3, 3],
            "三、(三)",
            S3,
            "推進公共事業單位信息公開",
            &[
                OFFICE,
                ("局屬各單位", Responsible, true),
                ("各學校", Responsible, true),
            ],
        ),
        (&[3, 4], "三、(四)", S3, "推進機構職責信息公開", &[OFFICE]),
        (&[4, 1], "四、(一)", S4, "加強政府網站建設管理", &[OFFICE]),
        (&[4, 2], "四、(二)", S4, "做好微信公眾號運營維護", &[PARTY]),
        (
            &[4, 3],
            "四、(三)",
            S4,
            "加快辦事大廳線上線下融合發展",
            &[("審批辦", Responsible, false)],
        ),
        (
            &[4, 4],
            "四、(四)",
            S4,
            "依托政府門戶網站打造“政務一網通”",
            &[LAW],
        ),
        (
            &[5, 1],
            "五、(一)",
            S5,
            "抓好政府信息公開條例的貫徹落實",
            &[OFFICE],
        ),
        (
            &[5, 2],
            "五、(二)",
            S5,
            "規范信息發布和內容保障",
            &[OFFICE, ALL],
        ),
        (
            &[5, 3],
            "五、(三)",
            S5,
            "深入實施信息公開保密審查制度",
            &[ALL, OFFICE],
        ),
        (&[5, 4], "五、(四)", S5, "加強日;\u{E2A6}A工作", &[OFFICE]),
    ];
    assert_eq!(parse.tasks.len(), expected.len());
    for (task, (path, number, section, title, departments)) in parse.tasks.iter().zip(expected) {
        assert_eq!(task.path, *path);
        assert_eq!(task.number, *number, "{path:?}");
        assert_eq!(task.section, *section, "{path:?}");
        assert_eq!(task.title, *title, "{path:?}");
        let got: Vec<(&str, DepartmentRole, bool)> = task
            .departments
            .iter()
            .map(|d| (d.name.as_str(), d.role, d.group))
            .collect();
        let want: Vec<(&str, DepartmentRole, bool)> = departments.to_vec();
        assert_eq!(got, want, "{path:?}");
        assert!(task.text.starts_with(task.title.as_str()), "{path:?}");
        assert_eq!(task.key.len(), 16);
        assert!(task.key.chars().all(|c| c.is_ascii_hexdigit()));
    }
    let first = &parse.tasks[1];
    assert_eq!(
        first.text,
        "全面推行行政執法公示制度。建立完善《大連市教育局行政執法公示制度》,強化事前公開,規范事中公示,加強事后公開,準確、及時公開有關行政執法信息,不斷提高行政執法透明度。(責任部門:規法處)"
    );
    let mut keys: Vec<&str> = parse.tasks.iter().map(|t| t.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), 17, "keys are distinct");

    assert_eq!(parse.warnings.len(), 1, "{:?}", parse.warnings);
    let warning = &parse.warnings[0];
    assert_eq!(warning.task, Some(16));
    assert_eq!(warning.code, "garbled_heading");
    assert_eq!(warning.excerpt, ";A");
    assert!(warning.message.contains("U+E2A6"), "{}", warning.message);
}

#[test]
fn sample_in_every_encoding_gives_the_same_tasks() {
    let expected = parse_plan(SAMPLE);
    let utf16le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(SAMPLE.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let (gb18030, _, had_errors) = encoding_rs::GB18030.encode(SAMPLE);
    assert!(!had_errors);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (SAMPLE.as_bytes().to_vec(), "UTF-8"),
        ([b"\xEF\xBB\xBF", SAMPLE.as_bytes()].concat(), "UTF-8"),
        (utf16le, "UTF-16LE"),
        (gb18030.into_owned(), "GB18030"),
    ];
    for (bytes, encoding) in cases {
        let decoded = decode_plan_bytes(&bytes);
        assert_eq!(
            decoded,
            Ok(DecodedPlan {
                text: SAMPLE.to_owned(),
                encoding: encoding.to_owned()
            })
        );
        if let Ok(decoded) = decoded {
            assert_eq!(parse_plan(&decoded.text), expected, "{encoding}");
        }
    }
}

#[test]
fn sample_on_one_line_reads_the_same() {
    // Text pasted from a web page often loses its line breaks.
    let one_line = SAMPLE.replace('\n', "");
    assert_eq!(parse_plan(&one_line), parse_plan(SAMPLE));
    let spaced = SAMPLE.replace('\n', " ");
    assert_eq!(parse_plan(&spaced), parse_plan(SAMPLE));
}

#[test]
fn keys_ignore_character_form_width_and_wrapping() {
    let keys =
        |text: &str| -> Vec<String> { parse_plan(text).tasks.into_iter().map(|t| t.key).collect() };
    let expected = keys(SAMPLE);
    let full_width: String = SAMPLE
        .chars()
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            ':' => '：',
            ',' => '，',
            ';' => '；',
            _ => c,
        })
        .collect();
    let wrapped = SAMPLE.replace("強化事前公開,", "強化事前公開,\r\n    ");
    let variants = [
        ("simplified", fold(SAMPLE)),
        ("full-width", full_width),
        ("CRLF", SAMPLE.replace('\n', "\r\n")),
        ("wrapped", wrapped),
        ("indented", SAMPLE.replace("\n(", "\n\u{3000}\u{3000}(")),
    ];
    for (name, text) in variants {
        assert_eq!(keys(&text), expected, "{name}");
    }
    // A changed task changes only its own key.
    let edited = keys(&SAMPLE.replace("不斷提高行政執法透明度", "提高行政執法透明度"));
    let changed: Vec<usize> = (0..17).filter(|&i| edited[i] != expected[i]).collect();
    assert_eq!(changed, [1]);
}

#[test]
fn sample_simplified_reads_the_same() {
    let traditional = parse_plan(SAMPLE);
    let simplified = parse_plan(&fold(SAMPLE));
    assert_eq!(simplified.tasks.len(), 17);
    for (t, s) in traditional.tasks.iter().zip(&simplified.tasks) {
        assert_eq!(s.path, t.path);
        assert_eq!(s.title, fold(&t.title));
        let names = |task: &PlanTask| -> Vec<(String, DepartmentRole, bool)> {
            task.departments
                .iter()
                .map(|d| (fold(&d.name), d.role, d.group))
                .collect()
        };
        assert_eq!(names(s), names(t));
    }
    assert_eq!(render(&simplified)[17..], ["garbled_heading #16 «;a»"]);
}

#[test]
fn labels_and_punctuation() {
    let cases: &[(&str, &[&str])] = &[
        (
            "一、公开\n（一）推进决策公开。严格落实规定。（责任单位：办公室）",
            &["[1, 1] 一、（一） «推进决策公开» 办公室:R"],
        ),
        (
            "一、公开\n(一)推进决策公开。严格落实规定。(责任部门:办公室、规法处)",
            &["[1, 1] 一、(一) «推进决策公开» 办公室:R, 规法处:R"],
        ),
        (
            "一、公開\n（一）推進決策公開。嚴格落實規定。（責任單位：辦公室）",
            &["[1, 1] 一、（一） «推進決策公開» 辦公室:R"],
        ),
        (
            "一、公开\n(一)推进决策公开。做好工作。（牵头单位：规法处；配合单位：办公室、学前处）",
            &["[1, 1] 一、(一) «推进决策公开» 规法处:L, 办公室:C, 学前处:C"],
        ),
        (
            "一、公开\n(一)推进决策公开。做好工作。（牵头部门：规法处）（配合部门：办公室）",
            &["[1, 1] 一、(一) «推进决策公开» 规法处:L, 办公室:C"],
        ),
        (
            "一、公开\n(一)推进决策公开。做好工作。(主责部门:审批办;协办单位:办公室,规法处)",
            &["[1, 1] 一、(一) «推进决策公开» 审批办:R, 办公室:C, 规法处:C"],
        ),
        (
            "一、公开\n(一)推进决策公开。做好工作。(责任处室:办公室；规法处，学前处;义教处)",
            &["[1, 1] 一、(一) «推进决策公开» 办公室:R, 规法处:R, 学前处:R, 义教处:R"],
        ),
        (
            "一、公开\n(一)推进招生公开。（责任单位：市教育局（本级）、大连市教育事务服务中心（市招生考试办公室））",
            &["[1, 1] 一、(一) «推进招生公开» 市教育局（本级）:R, 大连市教育事务服务中心（市招生考试办公室）:R"],
        ),
        (
            "一、公开\n(一)推进决策公开。做好工作，由规法处负责落实。",
            &["[1, 1] 一、(一) «推进决策公开» 规法处:R"],
        ),
        (
            "一、公开\n(一)推进决策公开。做好工作，规法处牵头，办公室配合。",
            &["[1, 1] 一、(一) «推进决策公开» 规法处:L, 办公室:C"],
        ),
        (
            "一、公开\n(一)推进决策公开。(各相关处室和单位,办公室)",
            &["[1, 1] 一、(一) «推进决策公开» 各相关处室和单位:R*, 办公室:R"],
        ),
        // Duplicates within a task are dropped; the same name in another role is kept.
        (
            "一、公开\n(一)推进决策公开。(责任部门:办公室、辦公室、规法处)(配合部门:办公室)",
            &["[1, 1] 一、(一) «推进决策公开» 办公室:R, 规法处:R, 办公室:C"],
        ),
        // Citations and quotations are not department lists.
        (
            "一、公开\n(一)推进决策公开。嚴格落實《重大行政決策程序暫行規定》(國務院令第713號)。",
            &[
                "[1, 1] 一、(一) «推进决策公开»",
                "no_departments #0 «(一)推进决策公开。嚴格落實《重大行政決策程序暫行規定》(國務院令第713號)。»",
            ],
        ),
        (
            "一、公开\n(一)推进决策公开。按照“谁主办、谁负责”的原则做好工作。(责任部门:机关党办)",
            &["[1, 1] 一、(一) «推进决策公开» 机关党办:R"],
        ),
        // Several sentence groups, each closed by its own marker: every marker's departments
        // belong to the task, on one line or on several.
        (
            "一、公开\n（一）推进决策公开。做好征集工作。（牵头单位：市教育局）加强经费保障。（责任单位：市财政局）",
            &["[1, 1] 一、（一） «推进决策公开» 市教育局:L, 市财政局:R"],
        ),
        (
            "一、公开\n（一）推进决策公开。做好征集工作。（牵头单位：市教育局）\n加强经费保障。（责任单位：市财政局）\n做好宣传解读，\n按时报送。（配合单位：办公室、规法处）\n（二）做好审查。（责任单位：规法处）",
            &[
                "[1, 1] 一、（一） «推进决策公开» 市教育局:L, 市财政局:R, 办公室:C, 规法处:C",
                "[1, 2] 一、（二） «做好审查» 规法处:R",
            ],
        ),
        // A department clause on the heading line is not part of the title.
        (
            "一、公开\n1.推进决策公开（牵头单位：办公室）\n严格落实规定。",
            &["[1, 1] 一、1. «推进决策公开» 办公室:L"],
        ),
    ];
    for (input, expected) in cases {
        check(input, expected);
    }
}

#[test]
fn labelled_deadlines() {
    let deadlines = |text: &str| -> Vec<(String, String, Option<String>)> {
        parse_plan(text)
            .tasks
            .into_iter()
            .map(|t| {
                let deadline = t.deadline.map(|d| {
                    format!(
                        "{}={}",
                        d.text,
                        d.date.map_or("-".into(), |d| d.to_string())
                    )
                });
                (t.number, t.title, deadline)
            })
            .collect()
    };
    let plan = "2025年工作要点\n一、公开\n（一）推进决策公开。做好工作。（牵头单位：办公室；完成时限：6月底前）\n（二）做好解读（完成时限：长期坚持）。做好工作。（责任单位：规法处）\n（三）做好审查。（责任单位：规法处）\n二、平台（完成时间：2025年9月30日前）\n（一）办好网站。（责任单位：信息中心）";
    let owned =
        |n: &str, t: &str, d: Option<&str>| (n.to_owned(), t.to_owned(), d.map(str::to_owned));
    assert_eq!(
        deadlines(plan),
        [
            owned("一、（一）", "推进决策公开", Some("6月底前=2025-06-30")),
            owned("一、（二）", "做好解读", Some("长期坚持=-")),
            owned("一、（三）", "做好审查", None),
            owned("二、（一）", "办好网站", Some("2025年9月30日前=2025-09-30")),
        ]
    );
    let parse = parse_plan("一、公开\n（一）做好审查。（责任单位：规法处；完成时限：按要求）");
    assert_eq!(
        render(&parse),
        [
            "[1, 1] 一、（一） «做好审查» 规法处:R",
            "deadline_not_understood #0 «按要求»"
        ]
    );
}

#[test]
fn structure() {
    let cases: &[(&str, &[&str])] = &[
        // 1. and (1) levels below (一).
        (
            "一、总体要求\n二、主要任务\n(一)推进公开\n1.做好决策公开。(责任部门:办公室)\n2.做好执行公开。\n(1)公开执行措施。(责任部门:规法处)\n(2)公开执行结果。(责任部门:学前处)",
            &[
                "[1] 一、 «总体要求»",
                "[2, 1, 1] 二、(一)1. «做好决策公开» 办公室:R",
                "[2, 1, 2, 1] 二、(一)2.(1) «公开执行措施» 规法处:R",
                "[2, 1, 2, 2] 二、(一)2.(2) «公开执行结果» 学前处:R",
                "no_departments #0 «一、总体要求»",
            ],
        ),
        // A top-level item with its own text and no children is a task.
        (
            "一、加强组织领导。各单位要高度重视。(责任部门:办公室)\n二、强化考核\n(一)纳入绩效考核。(责任部门:规法处)",
            &[
                "[1] 一、 «加强组织领导» 办公室:R",
                "[2, 1] 二、(一) «纳入绩效考核» 规法处:R",
            ],
        ),
        // A multi-line task, with blank lines and a wrapped department list.
        (
            "一、公开\n\n(一)推进决策公开。严格落实\n  重大行政决策程序。\n\n  做好公开工作。（责任单位：办公室、\n规法处）\n(二)推进执行公开。(责任部门:学前处)",
            &[
                "[1, 1] 一、(一) «推进决策公开» 办公室:R, 规法处:R",
                "[1, 2] 一、(二) «推进执行公开» 学前处:R",
            ],
        ),
        // Paragraphs joined on one line.
        (
            "现制定方案如下:一、深入推进决策公开(一)推进决策公开。严格落实规定。(责任部门:办公室)(二)推行执法公示。做好公示。(责任部门:规法处)二、加强平台建设(一)加强网站管理。(责任部门:办公室)",
            &[
                "[1, 1] 一、(一) «推进决策公开» 办公室:R",
                "[1, 2] 一、(二) «推行执法公示» 规法处:R",
                "[2, 1] 二、(一) «加强网站管理» 办公室:R",
            ],
        ),
        // Departments of a section apply to its tasks that name none.
        (
            "一、加强组织领导（牵头单位：办公室）\n(一)成立领导小组。\n(二)建立工作机制。(责任部门:规法处)",
            &[
                "[1, 1] 一、(一) «成立领导小组» 办公室:L",
                "[1, 2] 一、(二) «建立工作机制» 规法处:R",
            ],
        ),
        // A heading line without a full stop is the whole title.
        (
            "一、公开\n(一)推进机构职责信息公开\n(二)推进执行公开。(责任部门:办公室)",
            &[
                "[1, 1] 一、(一) «推进机构职责信息公开»",
                "[1, 2] 一、(二) «推进执行公开» 办公室:R",
                "no_departments #0 «(一)推进机构职责信息公开»",
            ],
        ),
        // Circled and Arabic-with-parenthesis numbers.
        (
            "1)做好公开\n①公开制度。(责任部门:办公室)\n②公开结果。(责任部门:规法处)",
            &[
                "[1, 1] 1)① «公开制度» 办公室:R",
                "[1, 2] 1)② «公开结果» 规法处:R",
            ],
        ),
        // Numbers up to and past 三十.
        (
            "二十九、甲。(责任部门:办公室)\n三十、乙。(责任部门:办公室)\n三十一、丙。(责任部门:办公室)",
            &[
                "[29] 二十九、 «甲» 办公室:R",
                "[30] 三十、 «乙» 办公室:R",
                "[31] 三十一、 «丙» 办公室:R",
                "numbering_gap #0 «二十九、甲。(责任部门:办公室)»",
            ],
        ),
        ("", &[]),
        ("   \n\n", &[]),
        ("只有一段说明文字，没有编号。", &[]),
    ];
    for (input, expected) in cases {
        check(input, expected);
    }
}

#[test]
fn sections_and_text() {
    let parse = parse_plan(
        "一、总体要求\r\n二、主要任务\r\n（一）推进公开\r\n1．做好决策公开。严格落实\r\n  重大行政决策程序。(责任部门:办公室)",
    );
    let task = &parse.tasks[1];
    assert_eq!(task.path, [2, 1, 1]);
    assert_eq!(task.number, "二、（一）1．");
    assert_eq!(task.section, "主要任务 / 推进公开");
    assert_eq!(task.title, "做好决策公开");
    assert_eq!(
        task.text,
        "做好决策公开。严格落实\n重大行政决策程序。(责任部门:办公室)"
    );
}

#[test]
fn warnings() {
    let cases: &[(&str, &[&str])] = &[
        (
            "一、公开\n(一)加强日;A工作。做好工作。(责任部门:办公室)",
            &["[1, 1] 一、(一) «加强日;A工作» 办公室:R", "garbled_heading #0 «;A»"],
        ),
        (
            "一、公\u{FFFD}开\n(一)加强工作。做好工作。(责任部门:办公室)",
            &["[1, 1] 一、(一) «加强工作» 办公室:R", "garbled_heading - «\u{FFFD}»"],
        ),
        (
            "一、公开\n(一)加强\u{E000}工作。做好工作。(责任部门:办公室)",
            &["[1, 1] 一、(一) «加强\u{E000}工作» 办公室:R", "garbled_heading #0 «U+E000»"],
        ),
        (
            "一、公开\n(一)加强工作。做好锟斤拷工作。(责任部门:办公室)",
            &["[1, 1] 一、(一) «加强工作» 办公室:R", "garbled_text #0 «锟斤拷»"],
        ),
        (
            "一、公开\n(一)加强工作。做好工作。",
            &["[1, 1] 一、(一) «加强工作»", "no_departments #0 «(一)加强工作。做好工作。»"],
        ),
        (
            "一、公开\n(二)加强工作。(责任部门:办公室)\n(二)做好工作。(责任部门:办公室)\n三、保障",
            &[
                "[1, 2] 一、(二) «加强工作» 办公室:R",
                "[1, 2] 一、(二) «做好工作» 办公室:R",
                "[3] 三、 «保障»",
                "numbering_gap #0 «(二)加强工作。(责任部门:办公室)»",
                "numbering_out_of_order #1 «(二)做好工作。(责任部门:办公室)»",
                "numbering_gap #2 «三、保障»",
                "no_departments #2 «三、保障»",
            ],
        ),
        (
            "根据要求，由办公室负责落实。\n一、公开\n(一)加强工作。(责任部门:办公室)",
            &[
                "[1, 1] 一、(一) «加强工作» 办公室:R",
                "text_before_first_heading - «根据要求，由办公室负责落实。»",
            ],
        ),
        (
            "根据《通知》(大政公開辦〔2019〕7號)的有关要求，结合实际，制定方案如下:\n一、公开\n(一)加强工作。(责任部门:办公室)",
            &["[1, 1] 一、(一) «加强工作» 办公室:R"],
        ),
        (
            "一、公开\n(一)加强工作。(责任部门:办公室)\n\n大连市教育局\n2019年4月1日",
            &[
                "[1, 1] 一、(一) «加强工作» 办公室:R",
                "unattached_text #0 «大连市教育局\n2019年4月1日»",
            ],
        ),
    ];
    for (input, expected) in cases {
        check(input, expected);
    }
}

#[test]
fn warning_messages() {
    let parse = parse_plan("一、公开\n(一)加强工作。\n(三)做好工作。(责任部门:办公室)");
    let messages: Vec<(&str, &str)> = parse
        .warnings
        .iter()
        .map(|w| (w.code.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            ("no_departments", "Task 一、(一) names no responsible department."),
            (
                "numbering_gap",
                "Heading 一、(三) is number 3 where 2 was expected: a heading may be missing or mis-numbered."
            ),
        ]
    );
}

#[test]
fn serialises_roles_in_snake_case() {
    let parse = parse_plan("一、公开\n(一)加强工作。(牵头单位:办公室;配合单位:各学校)");
    let json = serde_json::to_value(&parse.tasks[0].departments).unwrap_or_default();
    assert_eq!(
        json,
        serde_json::json!([
            {"name": "办公室", "role": "lead", "group": false},
            {"name": "各学校", "role": "co", "group": true},
        ])
    );
    let round: Result<PlanParse, _> =
        serde_json::to_string(&parse).and_then(|s| serde_json::from_str(&s));
    assert_eq!(round.ok(), Some(parse));
}

/// `n` in Chinese numerals, 1..=99.
fn chinese(n: u32) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (tens, units) = ((n / 10) as usize, (n % 10) as usize);
    match tens {
        0 => DIGITS[units].to_owned(),
        1 => format!("十{}", DIGITS[units]),
        _ => format!("{}十{}", DIGITS[tens], DIGITS[units]),
    }
}

#[test]
fn chinese_numbers_up_to_99() {
    for n in 1..=99 {
        let text = format!("{}、甲。(责任部门:办公室)\n({})乙", chinese(n), chinese(n));
        let f: Vec<char> = text.chars().collect();
        let marker = headings::parse_marker(&f, 0, f.len()).map(|m| m.number);
        assert_eq!(marker, Some(n), "{text}");
        let paren_at = f.iter().rposition(|&c| c == '(').unwrap_or(0);
        let paren = headings::parse_marker(&f, paren_at, f.len()).map(|m| m.number);
        assert_eq!(paren, Some(n), "{text}");
    }
}

#[test]
fn large_generated_plan() {
    // 20 sections of 50 tasks: 1,000 tasks, one pass each.
    let mut text = String::from("为做好工作，制定方案如下：\n");
    for s in 1..=20 {
        text.push_str(&format!("{}、第{s}部分工作\n", chinese(s)));
        for t in 1..=50 {
            text.push_str(&format!(
                "（{}）推进第{s}-{t}项工作。严格落实有关规定，做好公开工作，\n确保按时完成。（责任单位：办公室、规法处；配合单位：各学校）\n",
                chinese(t)
            ));
        }
    }
    let parse = parse_plan(&text);
    assert_eq!(parse.tasks.len(), 1000);
    assert!(parse.warnings.is_empty(), "{:?}", parse.warnings.first());
    let last = &parse.tasks[999];
    assert_eq!(last.path, [20, 50]);
    assert_eq!(last.number, "二十、（五十）");
    assert_eq!(last.title, "推进第20-50项工作");
    assert_eq!(last.departments.len(), 3);
}

/// Fragments that exercise every rule when strung together at random.
const FRAGMENTS: &[&str] = &[
    "一、",
    "二、",
    "十一、",
    "(一)",
    "（二）",
    "(三)",
    "1.",
    "2、",
    "(1)",
    "（2）",
    "1)",
    "①",
    "⑵",
    "㈠",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\u{3000}",
    "。",
    "，",
    ",",
    "、",
    "；",
    ";",
    "：",
    ":",
    "(",
    ")",
    "（",
    "）",
    "“",
    "”",
    "《",
    "》",
    "责任部门:",
    "（责任单位：",
    "牵头单位：",
    "配合单位:",
    "由",
    "负责落实",
    "负责",
    "牵头",
    "配合",
    "办公室",
    "规法处",
    "各相关处室和单位",
    "和",
    "及",
    "推进公开",
    "加强",
    "国务院令第713号",
    "2019.",
    "1.5",
    "?",
    "??",
    "\u{FFFD}",
    "\u{E2A6}",
    "\u{1}",
    "A",
    ";A",
    "锟斤拷",
    "各",
    "等",
    "十",
    "百",
    "零",
    "〔",
    "〕",
    "\u{FEFF}",
    "\u{200B}",
    "é",
];

fn assert_sane(input: &str) {
    let parse = parse_plan(input);
    for task in &parse.tasks {
        assert!(!task.path.is_empty(), "empty path in {input:?}");
        assert!(
            input.contains(task.title.as_str()),
            "title {:?} of {input:?}",
            task.title
        );
        let compact: String = input.chars().filter(|&c| !is_space(c)).collect();
        for d in &task.departments {
            assert!(!d.name.trim().is_empty());
            assert!(!d.name.contains('\n'));
            let name: String = d.name.chars().filter(|&c| !is_space(c)).collect();
            assert!(
                compact.contains(name.as_str()),
                "name {:?} of {input:?}",
                d.name
            );
        }
        assert_eq!(task.key.len(), 16);
    }
    for warning in &parse.warnings {
        assert!(warning.task.is_none_or(|t| t < parse.tasks.len()));
    }
}

proptest! {
    // Failures are reported in the test output; no regression files next to the sources.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_any_string(input in any::<String>()) {
        assert_sane(&input);
    }

    #[test]
    fn never_panics_on_plan_like_text(
        parts in prop::collection::vec(
            prop_oneof![
                3 => prop::sample::select(FRAGMENTS).prop_map(str::to_owned),
                1 => any::<char>().prop_map(String::from),
                1 => "[一二三四五六七八九十百零()（）、，。:：;；\\n 0-9a-z处室办局各]{1,4}",
            ],
            0..80,
        )
    ) {
        assert_sane(&parts.concat());
    }

    #[test]
    fn decoding_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(decoded) = decode_plan_bytes(&bytes) {
            assert_sane(&decoded.text);
        }
    }
}
