import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { Attachment, Item } from '../../ipc/bindings';

const addAttachments = vi.fn();
const removeAttachment = vi.fn();
const openAttachment = vi.fn();
const saveAttachment = vi.fn();
vi.mock('../../ipc/api', () => ({
  addAttachments: (id: string) => addAttachments(id),
  removeAttachment: (id: string, sha: string) => removeAttachment(id, sha),
  openAttachment: (id: string, sha: string) => openAttachment(id, sha),
  saveAttachment: (id: string, sha: string, name: string) => saveAttachment(id, sha, name),
}));

const { default: AttachmentsPanel } = await import('./AttachmentsPanel.svelte');
const { blankItem } = await import('../../lib/item');
const { sampleReview } = await import('../../lib/reviewFixtures');
const { setLang } = await import('../../i18n/index.svelte');

const PDF: Attachment = { sha256: 'a'.repeat(64), name: '通知.pdf', size: Math.round(1.2 * 1024 * 1024), media_type: 'application/pdf' };
const DOCX: Attachment = {
  sha256: 'b'.repeat(64),
  name: '起草说明.docx',
  size: 350 * 1024,
  media_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

function stored(attachments: Attachment[]): Item {
  return { ...blankItem(), id: 'item-1', attachments };
}

function setup(attachments: Attachment[] = [PDF, DOCX]) {
  const onchanged = vi.fn();
  const result = render(AttachmentsPanel, { itemId: 'item-1', attachments, checklist: sampleReview().checklist, onchanged });
  return { ...result, onchanged };
}

beforeEach(() => {
  setLang('zh-CN');
  for (const f of [addAttachments, removeAttachment, openAttachment, saveAttachment]) f.mockReset();
});

describe('AttachmentsPanel', () => {
  it('lists each file with a readable size and type, and marks a damaged one', () => {
    const { getAllByTestId } = setup();
    const rows = getAllByTestId('attachment-row');
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain('通知.pdf');
    expect(rows[0].textContent).toContain('1.2 MB');
    expect(rows[0].textContent).toContain('PDF');
    expect(rows[0].textContent).toContain('文件已损坏');
    expect(rows[1].textContent).toContain('350 KB');
    expect(rows[1].textContent).toContain('Word');
    expect(rows[1].textContent).not.toContain('文件已损坏');
  });

  it('says when there are none, and that the same file is kept once', () => {
    const { getByTestId } = setup([]);
    expect(getByTestId('attachments-panel').textContent).toContain('还没有附件');
    expect(getByTestId('attachments-panel').textContent).toContain('同一文件添加多次只保存一份');
  });

  it('adds files through the native dialog, and does nothing when cancelled', async () => {
    addAttachments.mockResolvedValueOnce(null).mockResolvedValueOnce(stored([PDF]));
    const { getByTestId, onchanged } = setup([]);
    await fireEvent.click(getByTestId('attachment-add'));
    await waitFor(() => expect(addAttachments).toHaveBeenCalledTimes(1));
    expect(onchanged).not.toHaveBeenCalled();
    await waitFor(() => expect((getByTestId('attachment-add') as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(getByTestId('attachment-add'));
    await waitFor(() => expect(onchanged).toHaveBeenCalledWith(stored([PDF])));
  });

  it('asks the owner to reload when adding fails part-way', async () => {
    addAttachments.mockRejectedValue({ code: 'attachment_too_large', message: 'D:\\录像.mp4 is larger than 512 MB', problems: [] });
    const onfailed = vi.fn();
    const { getByTestId, findByTestId } = render(AttachmentsPanel, { itemId: 'item-1', attachments: [], onchanged: vi.fn(), onfailed });
    await fireEvent.click(getByTestId('attachment-add'));
    const banner = await findByTestId('error-banner');
    expect(banner.textContent).toContain('文件太大');
    expect(banner.textContent).toContain('录像.mp4');
    expect(onfailed).toHaveBeenCalledTimes(1);
  });

  it('removes a file only after asking', async () => {
    removeAttachment.mockResolvedValue(stored([DOCX]));
    const { getAllByTestId, getByTestId, queryByTestId, onchanged } = setup();
    await fireEvent.click(getAllByTestId('attachment-remove')[0]);
    expect(getByTestId('confirm-dialog').textContent).toContain('从事项中移除附件“通知.pdf”？');
    expect(removeAttachment).not.toHaveBeenCalled();
    await fireEvent.click(getByTestId('attachment-remove-confirm'));
    await waitFor(() => expect(onchanged).toHaveBeenCalledWith(stored([DOCX])));
    expect(removeAttachment).toHaveBeenCalledWith('item-1', PDF.sha256);
    expect(queryByTestId('confirm-dialog')).toBeNull();
  });

  it('opens and saves a copy, and explains a failure with the file named', async () => {
    saveAttachment.mockResolvedValue('D:\\公文\\通知.pdf');
    openAttachment.mockRejectedValue({ code: 'attachment_open_failed', message: 'no program could open C:\\data\\opened\\通知.pdf', problems: [] });
    const { getAllByTestId, getByTestId, findByTestId } = setup();
    await fireEvent.click(getAllByTestId('attachment-save')[0]);
    await waitFor(() => expect(getByTestId('attachments-panel').textContent).toContain('已保存到 D:\\公文\\通知.pdf'));
    expect(saveAttachment).toHaveBeenCalledWith('item-1', PDF.sha256, '通知.pdf');
    await fireEvent.click(getAllByTestId('attachment-open')[0]);
    const banner = await findByTestId('error-banner');
    expect(banner.textContent).toContain('没有程序能打开这个附件');
    expect(banner.textContent).toContain('opened\\通知.pdf');
  });
});
