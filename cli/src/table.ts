// Tables for humans (cli-table3); with --json the commands print the node's JSON instead.
import Table from 'cli-table3';

export function renderTable(head: string[], rows: (string | number)[][]): string {
  const table = new Table({ head, style: { head: [], border: [] } });
  table.push(...rows.map((row) => row.map(String)));
  return table.toString();
}
