import { describe, expect, it } from 'vitest';
import { setLang } from '../i18n/index.svelte';
import { nameDevice } from './devices';

const devices = [
  { device_id: '9d61152b-aaaa', this_pc: true, user_name: '王芳' },
  { device_id: 'c0ffee00-bbbb', this_pc: false, user_name: '李处长' },
  { device_id: 'abcdef12-cccc', this_pc: false, user_name: '张主任' },
  { device_id: 'abcdef34-dddd', this_pc: false, user_name: '张主任' },
  { device_id: '5eed5eed-eeee', this_pc: false, user_name: null },
];

describe('nameDevice', () => {
  it('names PCs as an office would, and tells apart two PCs of one person', () => {
    setLang('zh-CN');
    expect(nameDevice('9d61152b-aaaa', devices)).toBe('此电脑');
    expect(nameDevice('c0ffee00-bbbb', devices)).toBe('李处长的电脑');
    expect(nameDevice('abcdef12-cccc', devices)).toBe('张主任的电脑（abcdef12）');
    expect(nameDevice('5eed5eed-eeee', devices)).toBe('电脑 5eed5eed');
    expect(nameDevice('unknown-device-id', devices)).toBe('电脑 unknown-');
    setLang('en');
    expect(nameDevice('c0ffee00-bbbb', devices)).toBe("李处长's PC");
    expect(nameDevice('9d61152b-aaaa', devices)).toBe('This PC');
  });
});
