/**
 * The one-off large run (`--large N`, default 1000 buckets): up from empty, no-op up and destroy,
 * once each. On the file backend every resource step rewrites the whole state, so an up or
 * destroy of N buckets grows with N²: each is interrupted after a budget and reported with how
 * far it got; the rest is then done without intermediate checkpoints (PULUMI_SKIP_CHECKPOINTS,
 * for the measurement's own setup and cleanup only, reported apart).
 */
import type { CheckpointWrites } from "./checkpoint-watch";
import type { DirectMinio } from "./direct";
import type { BenchStack } from "./pulumi-ops";
import type { StateSize } from "./state-size";
import { expectedResources } from "./workload";

export interface BudgetedOp {
  ms: number;
  done: boolean;
  /** Resources created (up) or deleted (destroy) before the end or the interruption. */
  steps: number;
  checkpoints?: CheckpointWrites;
  /** When interrupted: the time the rest took without intermediate checkpoints. */
  restNoCheckpointMs?: number;
}

export interface LargeFigures {
  buckets: number;
  resources: number;
  budgetMin: number;
  up: BudgetedOp;
  noopUp: { ms: number; checkpoints?: CheckpointWrites; touched: number };
  destroy: BudgetedOp;
  state: StateSize;
  direct: { create: number; reconcile: number; destroy: number };
}

async function withoutCheckpoints<T>(fn: () => Promise<T>): Promise<T> {
  process.env.PULUMI_SKIP_CHECKPOINTS = "true";
  try {
    return await fn();
  } finally {
    delete process.env.PULUMI_SKIP_CHECKPOINTS;
  }
}

export async function measureLarge(
  stack: BenchStack,
  direct: DirectMinio,
  n: number,
  budgetMin: number,
  log: (msg: string) => void,
): Promise<LargeFigures> {
  const budget = budgetMin * 60_000;
  const total = expectedResources(n);
  const up: BudgetedOp = await stack.budgeted("up", budget);
  log(`${n} buckets: up from empty ${up.done ? "done" : `interrupted after ${budgetMin} min`} (${up.steps} resources created)`);
  if (!up.done) {
    const rest = await withoutCheckpoints(() => stack.up());
    up.restNoCheckpointMs = rest.ms;
    log(`${n} buckets: the rest of the up without intermediate checkpoints: ${Math.round(rest.ms / 1000)} s`);
  }
  const noop = await stack.up();
  const touched = Object.entries(noop.changes).filter(([op]) => op !== "same" && op !== "read").reduce((s, [, c]) => s + c, 0);
  log(`${n} buckets: no-op up ${Math.round(noop.ms / 1000)} s`);
  const state = await stack.state();
  const destroy: BudgetedOp = await stack.budgeted("destroy", budget);
  log(`${n} buckets: destroy ${destroy.done ? "done" : `interrupted after ${budgetMin} min`} (${destroy.steps} resources deleted)`);
  if (!destroy.done) {
    const rest = await withoutCheckpoints(() => stack.destroy());
    destroy.restNoCheckpointMs = rest.ms;
  }
  const time = async (fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };
  await direct.plan();
  const create = await time(() => direct.create());
  const reconcile = await time(() => direct.reconcile());
  const destroyDirect = await time(() => direct.destroy());
  const s = (ms: number) => `${Math.round(ms / 1000)} s`;
  log(`${n} buckets: direct create ${s(create)}, reconcile ${s(reconcile)}, destroy ${s(destroyDirect)}`);
  return {
    buckets: n,
    resources: total,
    budgetMin,
    up,
    noopUp: { ms: noop.ms, checkpoints: noop.checkpoints, touched },
    destroy,
    state,
    direct: { create, reconcile, destroy: destroyDirect },
  };
}
