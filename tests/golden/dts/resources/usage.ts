// Resource classes: constructors, methods, statics, own/borrow handles.
import { files } from './expected/component.js';
import type { TestResHost } from './expected/component.js';

const file = new files.File('/tmp/x');
const data: Uint8Array = file.read(10);
const written: number = file.write(data);
const size: bigint = file.size();
const opened: files.File = files.File.open('/tmp/y', true);
const dup: files.File = opened.duplicate();
const same: boolean = file.compare(dup);
const all: files.File[] = files.openAll(['a', 'b']);
const handle: files.Handle | undefined = files.first(all);
if (handle) {
  const id: number = handle.id();
  files.consume(file, { name: 'n', handle });
  handle[Symbol.dispose]();
  void id;
}
const empty: files.Empty = files.makeEmpty();
{
  using scoped = files.makeEmpty();
  void scoped;
}

// Imported resources are implemented by the host: a class that fits the
// declared one can stand in for it.
class MyLogger {
  constructor(readonly prefix: string) {}
  log(msg: string): void {
    void msg;
  }
  child(suffix: string): MyLogger {
    return new MyLogger(this.prefix + suffix);
  }
  static global(): MyLogger {
    return new MyLogger('');
  }
}
const loggerClass: typeof TestResHost.Logger = MyLogger;
const host: typeof TestResHost = { Logger: MyLogger, getLogger: () => new MyLogger('x') };

export { written, size, same, empty, loggerClass, host };
