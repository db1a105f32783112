// First: the tab's key is asked about, and the board loaded, while the rest of the script starts.
import './session-start';
import './styles.css';
// The styles of the views loaded on demand, in the one stylesheet the page links.
import 'uplot/dist/uPlot.min.css';
import './funnel/funnel.css';
import './records/records.css';
import { render } from 'preact';
import { App } from './app';
import { prepareFormats } from './format';
import { BOARD_HASH } from './route';

if (location.hash === '') history.replaceState(null, '', BOARD_HASH);
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
// While the first requests (session-start.ts) are on their way.
prepareFormats();
