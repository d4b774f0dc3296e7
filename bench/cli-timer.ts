/**
 * The wall time of the `pulumi up|preview|destroy` command the Automation API runs. After the
 * command its `up()` runs `pulumi stack output` twice (with and without secrets) and `pulumi stack
 * history`, its `destroy()` runs `pulumi stack history`, and its `preview()` nothing: three more CLI
 * starts and state reads for an up, so its own durations do not compare an up with a preview.
 */
import type * as auto from "@pulumi/pulumi/automation";

/** `PulumiCommand.run`, which runs every command of a workspace: internal in the SDK's typings (3.260). */
interface CommandRunner {
  run(args: string[], ...rest: unknown[]): Promise<unknown>;
}

/** The operations whose CLI command is timed on its own. */
const TIMED = new Set(["up", "preview", "destroy"]);

/** Report each timed command `ws` runs to `timed`, with its wall time in ms. */
export function timeCliCommands(ws: auto.Workspace, timed: (op: string, ms: number) => void): void {
  const cmd = (ws as auto.LocalWorkspace).pulumiCommand as unknown as CommandRunner | undefined;
  if (typeof cmd?.run !== "function") {
    throw new Error("@pulumi/pulumi's PulumiCommand has no run(): update bench/cli-timer.ts");
  }
  const run = cmd.run.bind(cmd);
  cmd.run = async (args, ...rest) => {
    const t0 = performance.now();
    try {
      return await run(args, ...rest);
    } finally {
      if (TIMED.has(args[0])) timed(args[0], performance.now() - t0);
    }
  };
}
