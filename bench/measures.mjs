/**
 * Every measure of `npm run bench`, in run and report order. A measure is one module exporting:
 * - `steps`: `[{ name, plan?(quick), run(ctx) }]`; `run` returns the step's result, which carries
 *   its own `targets` and `reported` figures in the shape of lib/targets.mjs;
 * - `section(results)`: the Markdown section that explains its figures (or null when none of its
 *   steps ran), built from the results alone.
 * Adding a measure: a new measure-*.mjs and its line here.
 */
import * as browser from './measure-browser.mjs';
import * as loadClient from './measure-load-client.mjs';
import * as login from './measure-login.mjs';
import * as memory from './measure-memory.mjs';
import * as networks from './measure-networks.mjs';
import * as singleFlight from './measure-single-flight.mjs';
import * as spaWeight from './measure-spa-weight.mjs';
import * as tokenStatus from './measure-token-status.mjs';
import * as tokenStatusVsExpress from './measure-token-status-vs-express.mjs';

export const measures = [
  login,
  networks,
  singleFlight,
  tokenStatus,
  tokenStatusVsExpress,
  loadClient,
  memory,
  spaWeight,
  browser,
];
