// The starting text for a year the calendar does not have yet, in the year-file format.

export function newYearTemplate(year: number): string {
  return [
    `# 国务院办公厅关于${year}年部分节假日安排的通知（国办发明电〔${year - 1}〕  号）`,
    '#',
    '# 每行一条：“holiday 日期 说明”为放假，“workday 日期 说明”为调休上班；',
    '# 日期写作 YYYY-MM-DD，连续多天写作 起..止；以 # 开头的行为注释。',
    `year ${year}`,
    '',
    `holiday ${year}-01-01 元旦`,
    '',
  ].join('\n');
}
