// Tables for humans (cli-table3); with --json the commands print the node's JSON instead. Cells are
// escaped: a member name or key with a control character in it must not redraw the terminal.
import Table from 'cli-table3';
import { quoteForTerminal } from './terminal-text';

export function renderTable(head: string[], rows: (string | number)[][]): string {
  const table = new Table({ head, style: { head: [], border: [] } });
  table.push(...rows.map((row) => row.map((cell) => quoteForTerminal(String(cell)))));
  return table.toString();
}
