/**
 * Checkpoint writes of one operation on the file backend: the engine rewrites the whole state
 * (`.pulumi/stacks/<project>/<stack>.json`, by write-then-rename) after every resource step.
 * inotify reports each rename; its size at that moment is what was written. Events that arrive
 * together may be merged by the watcher, so `writes` and `bytes` are lower bounds.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileBackendDir } from "../scripts/lib/stack-leftovers";

export interface CheckpointWrites {
  writes: number;
  bytes: number;
  /** Size of the last checkpoint seen (the state the operation ended with). */
  lastBytes: number;
}

export class CheckpointWatch {
  private watcher?: fs.FSWatcher;
  private seen: CheckpointWrites = { writes: 0, bytes: 0, lastBytes: 0 };

  constructor(private readonly file: string) {}

  /** The stack's checkpoint file under a `file://` backend URL, or undefined for other backends. */
  static forStack(backendUrl: string | undefined, project: string, stack: string): CheckpointWatch | undefined {
    const dir = fileBackendDir(backendUrl);
    return dir ? new CheckpointWatch(path.join(dir, ".pulumi", "stacks", project, `${stack}.json`)) : undefined;
  }

  start(): void {
    this.seen = { writes: 0, bytes: 0, lastBytes: 0 };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const name = path.basename(this.file);
    this.watcher = fs.watch(path.dirname(this.file), (_event, f) => {
      if (f !== name) return;
      let size: number;
      try {
        size = fs.statSync(this.file).size;
      } catch {
        return; // between the rename of the old file and the new one
      }
      this.seen.writes++;
      this.seen.bytes += size;
      this.seen.lastBytes = size;
    });
  }

  stop(): CheckpointWrites {
    this.watcher?.close();
    this.watcher = undefined;
    return { ...this.seen };
  }
}
