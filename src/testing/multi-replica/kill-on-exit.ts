import type { ChildProcess } from 'node:child_process';

/**
 * Sends `child` SIGTERM if this process exits while the child still runs, so a crashed test
 * worker does not leave replicas or nginx behind (both shut down by themselves on SIGTERM, nginx
 * taking its workers with it). Returns the function that cancels this, for a clean stop.
 */
export function killOnExit(child: ChildProcess): () => void {
  const terminate = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', terminate);
  return () => process.off('exit', terminate);
}
