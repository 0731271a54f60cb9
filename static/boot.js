// Starts Kafkascope: loads the app's JS module and its WebAssembly, both named by Trunk (with
// content hashes) on this script's tag in index.html. Trunk's default is an inline <script>;
// this file replaces it (Trunk.toml, pattern_script) so the page runs under its
// Content-Security-Policy (index.html) with no 'unsafe-inline' and no hash to keep in step.
//
// While the wasm downloads, the built-in scenario the address names (`?scenario=NAME`) is fetched
// too, so it is here when the app starts rather than asked for after: src/scenarios/builtin.rs
// takes the response with `kafkascopeTakePrefetched`, or fetches the file itself. Only files
// beside the page are asked for: the build writes their names below (scripts/copy-scenarios.sh),
// so a link with an unknown name makes no failing request; the app says what is wrong with it.
const BUILTIN_SCENARIOS = [/* built-in scenario names */];
const named = new URLSearchParams(location.search).get("scenario");
let prefetched = null;
if (BUILTIN_SCENARIOS.includes(named)) {
  const url = `scenarios/${named}.json`;
  const response = fetch(url);
  // The app reports a failed request; a link whose session opens another scenario never takes
  // this one, and its failure is not an error of the page.
  response.catch(() => {});
  prefetched = { url, response };
}
// The response to the GET of `url` started here, once; `undefined` for any other file. Any call
// discards it: a later request for the same file asks the server again.
globalThis.kafkascopeTakePrefetched = (url) => {
  const response = prefetched?.url === url ? prefetched.response : undefined;
  prefetched = null;
  return response;
};
const tag = document.querySelector("script[data-app-js]");
const app = await import(tag.dataset.appJs);
await app.default({ module_or_path: tag.dataset.appWasm });
