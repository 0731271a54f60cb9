// Starts Kafkascope: loads the app's JS module and its WebAssembly, both named by Trunk (with
// content hashes) on this script's tag in index.html. Trunk's default is an inline <script>;
// this file replaces it (Trunk.toml, pattern_script) so the page runs under its
// Content-Security-Policy (index.html) with no 'unsafe-inline' and no hash to keep in step.
const tag = document.querySelector("script[data-app-js]");
const { default: init } = await import(tag.dataset.appJs);
await init({ module_or_path: tag.dataset.appWasm });
