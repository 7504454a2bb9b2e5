// A logger for unit tests that keeps every line it is given, to assert on the events a component logs.

import type { LogFields, Logger } from '../log';

export class RecordingLogger implements Logger {
  readonly lines: { event: string; fields: LogFields }[] = [];
  debug = (event: string, fields: LogFields = {}) => void this.lines.push({ event, fields });
  info = this.debug;
  warn = this.debug;
  error = this.debug;
  child = () => this;

  /** The fields of every line logged as `name`, in order. */
  events(name: string): LogFields[] {
    return this.lines.filter((line) => line.event === name).map((line) => line.fields);
  }
}
