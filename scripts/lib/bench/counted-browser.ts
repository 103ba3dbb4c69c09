// A fetch for the scripted browser that counts what it does: every request it sends, and the answers that move it on
// without the person acting (redirects, the linking page's meta refresh, its auto-submitting form back to /continue).

/** One login's browser traffic. Navigations and form posts only: a real browser's subresources (scripts, styles) are not in it. */
export interface BrowserCounts {
  /** Requests the browser sent, from /authorize to the answer that sends it to the app's callback (not requested: nothing listens there). */
  requests: number;
  /** 302 and 303 answers, each followed by the browser on its own; the last one is the redirect to the app's callback. */
  redirects: number;
  /** Pages that move on by `<meta http-equiv="refresh">` (the page starting the sign-in to the other account). */
  refreshes: number;
  /** Pages whose form a script submits (the page's POST of the proof to /continue). */
  autoSubmits: number;
}

/** What the scripted browser follows (browserless-agent.ts), and all the tenant and the page answer with. */
const REDIRECT = new Set([302, 303]);
const META_REFRESH = /<meta http-equiv="refresh"/i;
const AUTO_SUBMIT = /<form[^>]*\bdata-auto-submit\b/i;

/** A fetch that counts into the returned `counts` as it goes; the caller reads them after the login. */
export function countedBrowser(fetcher: typeof fetch = fetch): { fetch: typeof fetch; counts: BrowserCounts } {
  const counts: BrowserCounts = { requests: 0, redirects: 0, refreshes: 0, autoSubmits: 0 };
  const counted: typeof fetch = async (input, init) => {
    counts.requests += 1;
    const response = await fetcher(input, init);
    if (REDIRECT.has(response.status)) counts.redirects += 1;
    else if (response.status === 200 && (response.headers.get('content-type') ?? '').includes('text/html')) {
      // A clone: the agent reads the page itself.
      const page = await response.clone().text();
      if (META_REFRESH.test(page)) counts.refreshes += 1;
      else if (AUTO_SUBMIT.test(page)) counts.autoSubmits += 1;
    }
    return response;
  };
  return { fetch: counted, counts };
}

/** Answers that moved the browser on by themselves. */
export function hops(counts: BrowserCounts): number {
  return counts.redirects + counts.refreshes + counts.autoSubmits;
}
