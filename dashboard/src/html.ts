// htm bound to preact: JSX-like templates as tagged strings, so the dashboard needs no JSX compiler.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
