// Dawn (the `webgpu` package's native code) writes its own warnings straight to the process's stderr, e.g.
// "Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 …" on every
// adapter: meaningless to a user. Native writes cannot be caught inside the process; where a child's output
// is read, these lines are skipped: the trainer's crash message (main/trainer/supervisor.ts), and the
// adapter probe and webgpu bench run in filtered children (./quietChild.ts).

/** Lines Dawn prints about its own limits and toggles, never about the user's model or data. */
export function isDawnNoise(line: string): boolean {
  return /^Warning: \w+ artificially reduced from \d+ to \d+/.test(line.trim());
}

/** The text without Dawn's noise lines. */
export function withoutDawnNoise(text: string): string {
  return text.split('\n').filter((l) => !isDawnNoise(l)).join('\n');
}
