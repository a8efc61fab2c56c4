// `example:app/host`, provided by the app: the component's log lines.
export const lines = [];

export function log(msg) {
  lines.push(msg);
}
