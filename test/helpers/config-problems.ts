import { SpecError } from "../../components/spec";
import { parseStackConfig } from "../../stacks/config";

/** The one-line problems parseStackConfig reports for `raw`, [] when it accepts it; other errors propagate. */
export function configProblems(raw: Parameters<typeof parseStackConfig>[0]): string[] {
  try {
    parseStackConfig(raw);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    return e.problems;
  }
  return [];
}
