// Synchronous calls into a worker thread doing Node's asynchronous network
// I/O (net-worker.js): the guest's thread posts a request and waits in
// Atomics.wait until the worker answers. One worker serves every WASI
// instance in the process; it does not keep the process alive.
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';

export class Bridge {
  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.flag = new Int32Array(new SharedArrayBuffer(4));
    this.port = port1;
    this.worker = new Worker(new URL('./net-worker.js', import.meta.url), {
      workerData: { port: port2, flag: this.flag },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
    this.nextId = 1;
  }
  /** Runs `op` in the worker and blocks until it answers; throws the error-code string on failure. */
  call(op, ...args) {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ op, args });
    Atomics.wait(this.flag, 0, 0);
    const reply = receiveMessageOnPort(this.port)?.message;
    if (reply === undefined) throw new Error(`wasi:sockets: the network worker did not answer ${op}`);
    if ('err' in reply) throw reply.err;
    return reply.ok;
  }
  /** io.js poll group: wait until any of the pollables' events, or `ms` (-1: no limit). */
  waitAny(pollables, ms) {
    this.call(
      'waitAny',
      pollables.map((p) => p.token),
      ms,
    );
  }
}
let shared;
/** The process-wide bridge, started on first use. */
export const bridge = () => (shared ??= new Bridge());
