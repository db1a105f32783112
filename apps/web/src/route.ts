import { useEffect, useState } from 'preact/hooks';

/** The page's places: `#/board`, `#/funnel`, `#/deals/<id>`, `#/leads/<id>`. */
export type Route =
  | { readonly view: 'board' }
  | { readonly view: 'funnel' }
  | { readonly view: 'deal'; readonly dealId: string }
  | { readonly view: 'lead'; readonly leadId: string };

/** The pipeline the board and the funnel show first. */
export const DEFAULT_PIPELINE = 'default';

export const BOARD_HASH = '#/board';
export const FUNNEL_HASH = '#/funnel';
export const dealHash = (dealId: string): string => `#/deals/${encodeURIComponent(dealId)}`;
export const leadHash = (leadId: string): string => `#/leads/${encodeURIComponent(leadId)}`;

export function routeOf(hash: string): Route {
  const [, place, id] = /^#\/([a-z]+)(?:\/([^/?#]+))?/.exec(hash) ?? [];
  if (place === 'funnel') return { view: 'funnel' };
  if (place === 'deals' && id) return { view: 'deal', dealId: decodeURIComponent(id) };
  if (place === 'leads' && id) return { view: 'lead', leadId: decodeURIComponent(id) };
  return { view: 'board' };
}

/** The route of the location's hash, following its changes. */
export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const follow = () => setHash(location.hash);
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return routeOf(hash);
}
