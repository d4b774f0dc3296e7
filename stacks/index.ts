/**
 * The entry the Pulumi Node.js language host loads (Pulumi.yaml `main: stacks/`): it calls the
 * exported function and turns its result into stack outputs. A config problem ends the run with
 * its message only, before anything is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { SpecError } from "../components/spec";
import { program, type ProgramOutputs } from "./program";
import { leanStackTraces, STACK_TRACES_ENV } from "./stack-traces";

leanStackTraces();

/** The SDK's own exit code for "failed after logging a message the user can act on". */
const LOGGED_USER_ERROR = 32;

export = async (): Promise<ProgramOutputs> => {
  try {
    return await program();
  } catch (e) {
    // Config problems, ours or the SDK's (a missing `storage:buckets` is a RunError).
    if (!(e instanceof SpecError) && !pulumi.RunError.isInstance(e)) {
      if (Error.stackTraceLimit === 0 && e instanceof Error) e.message += ` (set ${STACK_TRACES_ENV}=1 for a stack trace)`;
      throw e;
    }
    // What the SDK does for a RunError, minus the ~10 s it spends in its unhandled-rejection
    // path before exiting (measured with pulumi 3.260): log the message, exit as already reported.
    await pulumi.log.error((e as Error).message);
    return process.exit(LOGGED_USER_ERROR);
  }
};
