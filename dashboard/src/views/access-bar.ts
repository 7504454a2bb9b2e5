// Asks for a token when the serving node requires one, and says which role the tab holds. The token
// goes to sessionStorage (access.ts); "Forget" drops it.

import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { allows, storedToken, storeToken, type Access, type Role } from '../access';
import { request } from '../answer';
import { html } from '../html';

/** The tab's access, for the views that hide what its role may not do. */
export const AccessContext = createContext<Access | null>(null);

/** Whether the tab's token allows `needed` (until the node has said, nothing that changes state shows). */
export function useAllowed(needed: Role): boolean {
  return allows(useContext(AccessContext), needed);
}

/**
 * What the serving node says the tab's token may do; asked again whenever the token changes. Also
 * returns the function to call after changing the stored token, and how many times it was called: the
 * token's generation, which changes exactly when what the views send changes (the answer to /access
 * arriving does not: until then the views already sent the stored token).
 */
export function useAccess(origin: string): [Access | null, () => void, number] {
  const [access, setAccess] = useState<Access | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    void request<Access>(`${origin}/access`).then((answer) => setAccess(answer.ok ? answer.body : null));
  }, [origin, generation]);
  return [access, () => setGeneration((value) => value + 1), generation];
}

export function AccessBar({ access, changed }: { access: Access | null; changed: () => void }) {
  const [draft, setDraft] = useState('');
  if (access === null || !access.enforcing) return null;
  if (access.role !== null) {
    return html`
      <div class="access" data-testid="access" data-role=${access.role}>
        <span>Token: <strong>${access.role}</strong></span>
        <button type="button" onClick=${() => { storeToken(null); changed(); }}>Forget token</button>
      </div>
    `;
  }
  const submit = (event: Event) => {
    event.preventDefault();
    storeToken(draft);
    setDraft('');
    changed();
  };
  return html`
    <form class="access inline" data-testid="access" data-role="" onSubmit=${submit}>
      <label for="access-token">${storedToken() === null ? 'This node requires an API token' : 'That token is not valid here; another one'}</label>
      <input id="access-token" type="password" autocomplete="off" value=${draft} onInput=${(event: Event) => setDraft((event.target as HTMLInputElement).value)} />
      <button type="submit">Use token</button>
    </form>
  `;
}
