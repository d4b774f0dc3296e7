/**
 * Undoing the part of a create that B2 already did. An undo that fails must not hide: the caller
 * sees why the create failed and why the cleanup failed, in one line.
 */
import { oneLine } from "../errors";

/** Run `undo`, then rethrow `cause`; if `undo` throws, throw both errors together. */
export async function undoThenThrow(cause: unknown, what: string, undo: () => Promise<unknown>): Promise<never> {
  try {
    await undo();
  } catch (undoError) {
    throw new Error(`${oneLine(cause)}; ${what} also failed: ${oneLine(undoError)}`, { cause });
  }
  throw cause;
}
