import { expect, it, vi } from 'vitest';
import { textWidth } from './measure';

it('measures with the window’s font on a canvas when there is one, once per string', () => {
  document.documentElement.style.fontFamily = "'Microsoft YaHei', sans-serif";
  const fonts: string[] = [];
  const context = {
    font: '',
    measureText: vi.fn((text: string) => {
      fonts.push(context.font);
      return { width: text.length * 10 };
    }),
  };
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(context as unknown as CanvasRenderingContext2D);
  expect(textWidth('大教发〔2019〕12号', { size: 14 })).toBe(Math.ceil(120 * 1.03) + 1);
  expect(textWidth('大教发〔2019〕12号', { size: 14 })).toBe(Math.ceil(120 * 1.03) + 1);
  expect(textWidth('文号', { size: 14, bold: true })).toBe(Math.ceil(20 * 1.03) + 1);
  expect(context.measureText).toHaveBeenCalledTimes(2);
  expect(fonts).toEqual(['14px "Microsoft YaHei", sans-serif', '600 14px "Microsoft YaHei", sans-serif']);
});
