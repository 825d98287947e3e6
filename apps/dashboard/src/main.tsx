// The dashboard's entry: take a sign-in token out of the URL fragment before anything
// else (it must not stay in the address bar or the history), then render the page.
import './zod-jitless';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { extractFragmentToken } from './auth/fragment-token';
import './styles.css';

// Every import above has been evaluated by now: how long that took is part of the first render (see boot.ts).
performance.mark('freshet:bundle-evaluated');

const { token, rest } = extractFragmentToken(window.location.hash);
if (token !== undefined) window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${rest}`);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(<App initialToken={token} />);
