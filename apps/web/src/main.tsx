import './styles.css';
// The styles of the views loaded on demand, in the one stylesheet the page links.
import 'uplot/dist/uPlot.min.css';
import './funnel/funnel.css';
import './records/records.css';
import { render } from 'preact';
import { App } from './app';
import { BOARD_HASH } from './route';

if (location.hash === '') history.replaceState(null, '', BOARD_HASH);
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
