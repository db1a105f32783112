import './styles.css';
// The styles of the views loaded on demand, in the one stylesheet the page links.
import 'uplot/dist/uPlot.min.css';
import './funnel/funnel.css';
import './records/records.css';
import { render } from 'preact';
import { App, restoreSession } from './app';
import { BOARD_HASH } from './route';

if (location.hash === '') history.replaceState(null, '', BOARD_HASH);
// Before the first render: the key kept for the tab is asked about (and the board loaded) at once.
const restoring = restoreSession();
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App restoring={restoring} />, root);
}
