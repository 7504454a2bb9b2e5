// One range transfer as a table row: in progress or queued (a progress bar of keys done over the
// source's total, bytes, rate, ETA), or finished (keys, bytes, when, how long, why it failed). Every
// number is also a data attribute, so a test compares it with the API's without parsing text.
import type { ReportedTransfer } from '../rebalance-merge';
import { bytes, clock, duration } from '../format';
import { html } from '../html';

export type NameOf = (nodeId: string) => string;

function rangeText(transfer: ReportedTransfer): string {
  return `${transfer.range.start}..${transfer.range.end}`;
}

/** (start, end] shortened; start = end is the whole ring (a node joining a ring of one takes it all). */
function RangeCell({ transfer }: { transfer: ReportedTransfer }) {
  const { start, end } = transfer.range;
  return html`<th scope="row"><code title=${rangeText(transfer)}>${start === end ? 'whole ring' : `${start.slice(0, 6)}..${end.slice(0, 6)}`}</code></th>`;
}

function identity(transfer: ReportedTransfer) {
  return {
    'data-range-start': transfer.range.start,
    'data-range-end': transfer.range.end,
    'data-from': transfer.from,
    'data-to': transfer.to,
    'data-reported-by': transfer.reportedBy,
    'data-state': transfer.state,
    'data-keys-done': transfer.keysDone,
    'data-keys-total': transfer.keysTotal ?? '',
    'data-bytes-done': transfer.bytesDone,
  };
}

function Route({ transfer, nameOf }: { transfer: ReportedTransfer; nameOf: NameOf }) {
  return html`<td>${nameOf(transfer.from)} → ${nameOf(transfer.to)}</td>`;
}

export function ActiveTransferRow({ transfer, nameOf }: { transfer: ReportedTransfer; nameOf: NameOf }) {
  const label = `${rangeText(transfer)} from ${nameOf(transfer.from)} to ${nameOf(transfer.to)}`;
  const total = transfer.keysTotal;
  // Without a total yet (the source has not said), the bar is indeterminate rather than a guess.
  const bar = total === null ? html`<progress aria-label=${`keys of ${label}`}></progress>` : html`<progress max=${Math.max(1, total)} value=${transfer.keysDone} aria-label=${`keys of ${label}`}></progress>`;
  return html`
    <tr ...${identity(transfer)}>
      <${RangeCell} transfer=${transfer} />
      <${Route} transfer=${transfer} nameOf=${nameOf} />
      <td>${bar} <span data-field="keys">${transfer.keysDone} / ${total ?? '?'} keys</span></td>
      <td class="number" data-field="bytes">${bytes(transfer.bytesDone)}${transfer.bytesTotal === null ? '' : ` of ~${bytes(transfer.bytesTotal)}`}</td>
      <td class="number" data-field="rate">${transfer.state === 'queued' ? '–' : `${transfer.keysPerSecond} keys/s, ${bytes(transfer.bytesPerSecond)}/s`}</td>
      <td class="number" data-field="eta">${transfer.etaMs === null ? '–' : duration(transfer.etaMs)}</td>
    </tr>
  `;
}

export function FinishedTransferRow({ transfer, nameOf }: { transfer: ReportedTransfer; nameOf: NameOf }) {
  const tookMs = transfer.startedAt === null || transfer.finishedAt === null ? null : Date.parse(transfer.finishedAt) - Date.parse(transfer.startedAt);
  return html`
    <tr ...${identity(transfer)} data-finished-at=${transfer.finishedAt ?? ''}>
      <${RangeCell} transfer=${transfer} />
      <${Route} transfer=${transfer} nameOf=${nameOf} />
      <td class=${`outcome-${transfer.state}`}>${transfer.state}${transfer.error === null ? '' : html`<br /><small>${transfer.error}</small>`}</td>
      <td class="number" data-field="keys">${transfer.keysDone}</td>
      <td class="number" data-field="bytes">${bytes(transfer.bytesDone)}</td>
      <td class="number">${transfer.finishedAt === null ? '–' : clock(Date.parse(transfer.finishedAt))}</td>
      <td class="number">${tookMs === null ? '–' : duration(tookMs)}</td>
    </tr>
  `;
}
