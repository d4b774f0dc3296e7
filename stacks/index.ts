/**
 * The entry the Pulumi Node.js language host loads (Pulumi.yaml `main: stacks/`): it calls the
 * exported function and turns its result into stack outputs. Config problems end the run with
 * their message only (RunError), never a stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import { SpecError } from "../components/spec";
import { program, type ProgramOutputs } from "./program";

export = async (): Promise<ProgramOutputs> => {
  try {
    return await program();
  } catch (e) {
    if (e instanceof SpecError) throw new pulumi.RunError(e.message);
    throw e;
  }
};
