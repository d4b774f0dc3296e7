/**
 * The measured Pulumi operations: the project's own program (stacks/index.ts) on a `bench-` stack
 * through the Automation API and the real CLI, with the benchmark's config injected in memory.
 */
import type * as auto from "@pulumi/pulumi/automation";
import type { StorageContract } from "../components/contract";
import { program } from "../stacks/program";
import { openStack } from "../scripts/lib/workspace";
import { fileBackendDir, removeStackLeftovers } from "../scripts/lib/stack-leftovers";
import { leanStackTraces } from "../stacks/stack-traces";
import { CheckpointWatch, type CheckpointWrites } from "./checkpoint-watch";
import { timeCliCommands } from "./cli-timer";
import { stateSize, type StateSize } from "./state-size";

export interface OpResult {
  /** Wall time of the `pulumi up|preview|destroy` command itself (bench/cli-timer.ts). */
  ms: number;
  /** The same through the Automation API, with what its `up()` and `destroy()` run afterwards. */
  autoMs: number;
  /** Engine summary: resource operations by kind (`create`, `same`, ...). */
  changes: Record<string, number>;
  /** State rewrites during the operation (file backend only). */
  checkpoints?: CheckpointWrites;
}

/**
 * `stack rm` keeps the file backend's backups and history (4 MB per update at 100 buckets): drop
 * a removed bench stack's own, and nothing else.
 */
export function forgetBenchStack(name: string, project = "secure-storage"): void {
  const backend = fileBackendDir();
  if (backend && name.startsWith("bench-")) removeStackLeftovers(backend, name, project);
}

export class BenchStack {
  private stack?: auto.Stack;
  private transcript = "";
  /** Wall time of the last timed CLI command (`pulumi up`, `preview`, `destroy`). */
  private lastCliMs = NaN;

  constructor(
    readonly name: string,
    private readonly parallel?: number,
  ) {}

  /** (Re)open with `config`; config is part of the workspace, so a config change means reopening. */
  async open(config: Record<string, unknown>): Promise<void> {
    // The program runs inline in this process: lean it the way stacks/index.ts does under the CLI.
    leanStackTraces();
    this.stack = await openStack({ stack: this.name, config, program: async () => program() });
    timeCliCommands(this.stack.workspace, (_op, ms) => (this.lastCliMs = ms));
  }

  private get s(): auto.Stack {
    if (!this.stack) throw new Error(`stack ${this.name} is not open`);
    return this.stack;
  }

  private opts() {
    this.transcript = "";
    return {
      color: "never" as const,
      onOutput: (s: string) => (this.transcript += s),
      // The Automation API's preview always has the CLI write an event log; with a listener its up
      // and destroy do too, so an up is timed doing the same work as the preview it is compared with.
      onEvent: () => undefined,
      ...(this.parallel ? { parallel: this.parallel } : {}),
    };
  }

  /** The last operation's engine output (for errors; it never holds secret values, the engine masks them). */
  tail(lines = 30): string {
    return this.transcript.trimEnd().split("\n").slice(-lines).join("\n");
  }

  async preview(): Promise<OpResult> {
    const { result: r, ms, autoMs } = await this.watched(() => this.s.preview(this.opts()));
    return { ms, autoMs, changes: r.changeSummary as Record<string, number> };
  }

  /** Checkpoint writes of `op` on the file backend (the project is always this repository's). */
  private async watched<T>(
    op: () => Promise<T>,
  ): Promise<{ result: T; ms: number; autoMs: number; checkpoints?: CheckpointWrites }> {
    const watch = CheckpointWatch.forStack(process.env.PULUMI_BACKEND_URL, "secure-storage", this.name);
    watch?.start();
    this.lastCliMs = NaN;
    const t0 = performance.now();
    try {
      const result = await op();
      const autoMs = performance.now() - t0;
      if (Number.isNaN(this.lastCliMs)) throw new Error("the operation ran no timed pulumi command");
      return { result, ms: this.lastCliMs, autoMs, checkpoints: watch?.stop() };
    } finally {
      watch?.stop();
    }
  }

  /**
   * `up` or `destroy`, interrupted (SIGINT: the engine finishes the steps in flight and saves the
   * state) once it has run for `budgetMs`. `steps`: resources created or deleted meanwhile.
   */
  async budgeted(op: "up" | "destroy", budgetMs: number): Promise<{ ms: number; done: boolean; steps: number; checkpoints?: CheckpointWrites }> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), budgetMs);
    let steps = 0;
    const onEvent = (e: auto.EngineEvent) => {
      const m = e.resOutputsEvent?.metadata;
      if (m && (m.op === "create" || m.op === "delete") && !m.type.startsWith("pulumi:")) steps++;
    };
    const opts = { ...this.opts(), onEvent, signal: abort.signal };
    try {
      const { ms, checkpoints } = await this.watched(() =>
        (op === "up" ? this.s.up(opts) : this.s.destroy(opts)).catch((e: unknown) => {
          if (!abort.signal.aborted) throw e;
        }),
      );
      // An interrupted destroy can still end with exit code 0: the abort is what says it was cut short.
      return { ms, done: !abort.signal.aborted, steps, checkpoints };
    } finally {
      clearTimeout(timer);
    }
  }

  async up(): Promise<OpResult & { contract: StorageContract }> {
    const { result: r, ms, autoMs, checkpoints } = await this.watched(() => this.s.up(this.opts()));
    if (r.summary.result !== "succeeded") throw new Error(`up ${r.summary.result}:\n${this.tail()}`);
    const changes = (r.summary.resourceChanges ?? {}) as Record<string, number>;
    return { ms, autoMs, changes, checkpoints, contract: r.outputs.storage.value as StorageContract };
  }

  async destroy(): Promise<OpResult> {
    const { result: r, ms, autoMs, checkpoints } = await this.watched(() => this.s.destroy(this.opts()));
    return { ms, autoMs, changes: (r.summary.resourceChanges ?? {}) as Record<string, number>, checkpoints };
  }

  /** Bytes of the stack's state by type, as `pulumi stack export` prints it. */
  async state(): Promise<StateSize> {
    return stateSize((await this.s.exportStack()).deployment as Parameters<typeof stateSize>[0]);
  }

  /** Best-effort cleanup: destroy, then forget the stack (state and workspace file). */
  async remove(): Promise<void> {
    if (!this.stack) return;
    await this.stack.destroy({ color: "never" }).catch(() => undefined);
    await this.stack.workspace.removeStack(this.name, { force: true }).catch(() => undefined);
    forgetBenchStack(this.name);
  }
}
