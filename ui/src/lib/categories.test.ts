import { describe, expect, it } from 'vitest';
import { categoryOptions } from './categories';

describe('categoryOptions', () => {
  it('lists the tree in order with full paths, at any depth', () => {
    const options = categoryOptions([
      { id: 'b', parent_id: null, name: '教育招生', code: '02' },
      { id: 'a1', parent_id: 'a', name: '规范性文件', code: '01' },
      { id: 'a', parent_id: null, name: '政策文件', code: '01' },
      { id: 'b11', parent_id: 'b1', name: '划片方案', code: '01' },
      { id: 'b1', parent_id: 'b', name: '义务教育招生', code: '01' },
    ]);
    expect(options.map((o) => [o.path, o.depth])).toEqual([
      ['政策文件', 0],
      ['政策文件 / 规范性文件', 1],
      ['教育招生', 0],
      ['教育招生 / 义务教育招生', 1],
      ['教育招生 / 义务教育招生 / 划片方案', 2],
    ]);
  });

  it('never loses a node to a missing parent or a cycle', () => {
    const options = categoryOptions([
      { id: 'orphan', parent_id: 'gone', name: '孤儿', code: '' },
      { id: 'x', parent_id: 'y', name: 'X', code: '' },
      { id: 'y', parent_id: 'x', name: 'Y', code: '' },
    ]);
    expect(options.map((o) => o.id).sort()).toEqual(['orphan', 'x', 'y']);
  });
});
