// Lays out --help text within HELP_WIDTH columns: paragraphs reflowed at word boundaries,
// and two-column lists (an option and its description, a command and its summary) whose
// second column starts at one place whatever the lengths of the first: an entry too long
// for the first column gets a line of its own, its description below it.

export const HELP_WIDTH = 100;
/** A first column wider than this would leave too little room for the second. */
const MAX_FIRST_COLUMN = 32;
const GAP = 2;

/** What is never split across lines: a word, or a bracketed pair such as `[env MARKETFEED_FEED]` or `(default 100)`. */
const UNIT = /[[(][^\])\s]+ [^\])\s]+[\])]\S*|\S+/g;

/** `text` reflowed into lines of at most `width` characters (a longer unit gets a line of its own); blank lines separate paragraphs. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const [index, paragraph] of text.split(/\n\s*\n/).entries()) {
    if (index > 0) lines.push('');
    let line = '';
    for (const word of paragraph.match(UNIT) ?? []) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    if (line !== '') lines.push(line);
  }
  return lines;
}

/** Rows of [first, second] as two columns, indented by two spaces. */
export function formatColumns(rows: ReadonlyArray<readonly [string, string]>, width: number = HELP_WIDTH): string[] {
  const fitting = rows.map(([first]) => first.length).filter((length) => length <= MAX_FIRST_COLUMN);
  const column = 2 + Math.max(0, ...fitting) + GAP;
  const pad = ' '.repeat(column);
  const lines: string[] = [];
  for (const [first, second] of rows) {
    const described = wrapText(second, width - column);
    if (2 + first.length + GAP > column) {
      lines.push(`  ${first}`);
      lines.push(...described.map((line) => pad + line));
    } else {
      lines.push(`  ${first}`.padEnd(column) + (described[0] ?? ''));
      lines.push(...described.slice(1).map((line) => pad + line));
    }
  }
  return lines.map((line) => line.trimEnd());
}
