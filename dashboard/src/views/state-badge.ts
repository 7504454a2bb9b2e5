// A member state named in text and coloured, so it reads without colour too.
import { html } from '../html';

export function StateBadge({ state }: { state: string }) {
  return html`<span class=${`state state-${state}`} data-state=${state}>${state}</span>`;
}
