// Runs one app as a child process (TypeScript through tsx), forwards its log lines with
// the app's name, and stops it with SIGTERM (SIGKILL after a grace period).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface AppProcessOptions {
  name: string;
  entry: string;
  env: Record<string, string>;
  /** Where log lines go: 'inherit' prints them prefixed; a path appends them to a file. */
  output: 'inherit' | string;
}

export class AppProcess {
  readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private readonly logFile?: WriteStream;

  constructor(readonly options: AppProcessOptions) {
    this.child = spawn(process.execPath, [...(process.env['FRESHET_PROFILE_DIR'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['FRESHET_PROFILE_DIR']}`] : []), '--import', 'tsx', options.entry], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    if (options.output !== 'inherit') this.logFile = createWriteStream(options.output, { flags: 'a' });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        if (this.logFile) this.logFile.write(`${options.name} | ${line}\n`);
        else process.stdout.write(`${options.name.padEnd(14)} | ${line}\n`);
      });
    }
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(graceMs = 10_000): Promise<number | null> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.logFile?.end();
    return this.exited;
  }

  /** Simulates a crash: no graceful shutdown. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}
