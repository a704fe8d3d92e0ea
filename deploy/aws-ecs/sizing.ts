/**
 * The task's size from the measured figures (README, Running many echoes): rds-echo and a stack listing ~300 MB, each
 * Pulumi operation in flight a CLI and an aws provider of 300-430 MB each. So 512 MiB plus 1 GiB per echo at once
 * (as the Helm chart's limit), rounded up to a size Fargate offers. Pure.
 */

/** Fargate's CPU units and the memory (MiB) each allows: 0.5 vCPU 1-4 GiB, 1 vCPU 2-8 GiB, 2 vCPU 4-16 GiB. */
const FARGATE: readonly { cpu: number; minMiB: number; maxMiB: number }[] = [
  { cpu: 512, minMiB: 1024, maxMiB: 4096 },
  { cpu: 1024, minMiB: 2048, maxMiB: 8192 },
  { cpu: 2048, minMiB: 4096, maxMiB: 16384 },
];

export interface TaskSize {
  /** CPU units (1024 = 1 vCPU), as the task definition takes them. */
  readonly cpu: number;
  readonly memoryMiB: number;
}

/** The smallest Fargate size holding `parallel` echoes in flight at once (1 to 15). */
export function taskSize(parallel: number): TaskSize {
  if (!Number.isInteger(parallel) || parallel < 1) throw new Error(`parallel: ${parallel} is not a whole number of echoes (1 or more)`);
  const needed = 512 + 1024 * parallel;
  // Memory comes in whole GiB from 1 GiB up (Fargate's steps above 0.5 vCPU).
  const memoryMiB = Math.ceil(needed / 1024) * 1024;
  const size = FARGATE.find((s) => memoryMiB <= s.maxMiB);
  if (!size) throw new Error(`parallel: ${parallel} echoes at once need ${needed} MiB, more than the 16 GiB of a 2 vCPU Fargate task; use at most 15`);
  return { cpu: size.cpu, memoryMiB: Math.max(memoryMiB, size.minMiB) };
}
