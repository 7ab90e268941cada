/**
 * Preloaded into every bench child (`node --require measure.js …`): when the process exits, writes its whole-process
 * CPU time (user + system, module loading included) and peak RSS to the file named by BENCH_RESULT. The program
 * under test stays unmodified, so the example app runs exactly as `cdk8s synth` would run it.
 */
import { writeFileSync } from 'fs';

/** What one child reports; the driver adds the output it counted. */
export interface ProcessUsage {
  /** User + system CPU seconds of the whole process. */
  readonly cpuSeconds: number;
  /** Peak resident set size, MiB. */
  readonly peakMiB: number;
  /** The exit code the program set. */
  readonly exitCode: number;
}

const resultFile = process.env.BENCH_RESULT;
if (resultFile) {
  process.on('exit', (code) => {
    const cpu = process.cpuUsage();
    const usage: ProcessUsage = {
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakMiB: process.resourceUsage().maxRSS / 1024,
      exitCode: code,
    };
    writeFileSync(resultFile, JSON.stringify(usage));
  });
}
