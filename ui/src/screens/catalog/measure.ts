// Text widths for sizing the catalog's columns, computed from strings rather than from the rows in
// the DOM: the list is virtualised, and measuring laid-out cells would force a layout per row.
//
// A canvas measures with the window's real font when there is one; otherwise (and for tests) an
// estimate by character classes that errs wide, since a column a few pixels too wide costs little
// and one too narrow cuts a 文号 or a date.

export interface TextStyle {
  /** Font size in px. */
  size: number;
  bold?: boolean;
}

type Measurer = (text: string, style: TextStyle) => number;

const NARROW = new Set([...'iIl.,:;\'|!()[]{} -/']);
const WIDE_LATIN = new Set([...'MWmw@%']);

/** Whether a character takes a full em: CJK ideographs, kana, hangul and full-width forms (〔〕（）). */
function isFullWidth(code: number): boolean {
  return (
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    code >= 0x20000
  );
}

/** The width in px of `text`, estimated from its characters (never narrower than common UI fonts draw it). */
export function estimateWidth(text: string, style: TextStyle): number {
  let ems = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (isFullWidth(code)) ems += 1;
    else if (NARROW.has(ch)) ems += 0.4;
    else if (WIDE_LATIN.has(ch)) ems += 0.9;
    else if (ch >= 'A' && ch <= 'Z') ems += 0.7;
    else if (ch >= 'a' && ch <= 'z') ems += 0.56;
    else ems += 0.6;
  }
  return Math.ceil(ems * style.size * (style.bold ? 1.06 : 1));
}

let canvasContext: CanvasRenderingContext2D | null | undefined;
let fontFamily = '';

function canvasMeasurer(): Measurer | null {
  if (canvasContext === undefined) {
    canvasContext = null;
    try {
      if (typeof document !== 'undefined') {
        canvasContext = document.createElement('canvas').getContext('2d');
        fontFamily = getComputedStyle(document.documentElement).fontFamily || 'sans-serif';
      }
    } catch {
      canvasContext = null;
    }
  }
  const context = canvasContext;
  if (!context) return null;
  return (text, style) => {
    context.font = `${style.bold ? '600 ' : ''}${style.size}px ${fontFamily}`;
    // A little over: the 索引号 is drawn with tabular digits, which a canvas cannot ask for, and
    // subpixel layout may round up.
    return Math.ceil(context.measureText(text).width * 1.03) + 1;
  };
}

// Department names, clerks and 文号 repeat: each string is measured once. Bounded, so a long
// session of scrolling does not grow it without end.
const cache = new Map<string, number>();
const CACHE_LIMIT = 5000;

/** The width in px `text` takes in `style`. */
export function textWidth(text: string, style: TextStyle): number {
  if (text === '') return 0;
  const key = `${style.size}${style.bold ? 'b' : ''}|${text}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const measure = canvasMeasurer();
  const width = measure ? measure(text, style) : estimateWidth(text, style);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, width);
  return width;
}
