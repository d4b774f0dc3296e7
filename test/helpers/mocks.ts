/** What every component test under `pulumi.runtime.setMocks` shares. */
import * as pulumi from "@pulumi/pulumi";

/** A resource as the mock monitor saw it registered. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** The resolved value of an Input (test side only: never inside a program). */
export function unwrap<T>(o: pulumi.Input<T> | undefined): Promise<T> {
  return new Promise((resolve) => pulumi.output(o as pulumi.Input<T>).apply((v) => resolve(v as T)));
}
