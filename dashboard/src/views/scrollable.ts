// A wide table's horizontal scroller on a phone: focusable and named, so it scrolls from the keyboard
// and a screen reader announces what it holds.
import type { ComponentChildren } from 'preact';
import { html } from '../html';

export function Scrollable({ label, children }: { label: string; children: ComponentChildren }) {
  return html`<div class="scroll" tabindex="0" role="region" aria-label=${label}>${children}</div>`;
}
