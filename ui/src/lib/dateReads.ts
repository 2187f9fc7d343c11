// Dates typed in the editor are read by the backend when their field is left; a save waits for
// those reads, so that a date typed just before Ctrl+S or a click on 保存 is the one saved.

const reads = new Set<Promise<unknown>>();

/** Keeps `read` until it settles, and returns it. */
export function trackDateRead<T>(read: Promise<T>): Promise<T> {
  reads.add(read);
  void read.finally(() => reads.delete(read)).catch(() => {});
  return read;
}

/** Resolves once no date read is pending (including reads started while waiting). */
export async function dateReadsSettled(): Promise<void> {
  while (reads.size > 0) await Promise.allSettled([...reads]);
}
