// pg-boss's delay() requires node:timers/promises at each call. After stop() has
// returned, pg-boss's own worker wind-down loop may still call it once more; in
// production that is harmless, but under Jest a require after the test file's
// environment is torn down throws and ends the whole run. Give pg-boss a delay
// bound to timers loaded now (same behaviour: resolves after ms, abortable).
const { setTimeout: sleep } = require('node:timers/promises');
let tools;
try {
  tools = require(require('node:path').join(require('node:path').dirname(require.resolve('pg-boss')), 'tools.js'));
} catch {
  tools = undefined; // a project without pg-boss
}
if (tools) {
  /**
   * @param {number} ms
   * @param {string} [error]
   */
  tools.delay = function delay(ms, error) {
    const ac = new AbortController();
    /** @type {Promise<void> & { abort?: () => void }} */
    const promise = new Promise((resolve, reject) => {
      sleep(ms, null, { signal: ac.signal })
        .then(() => (error ? reject(new Error(error)) : resolve()))
        .catch(() => resolve());
    });
    promise.abort = () => {
      if (!ac.signal.aborted) ac.abort();
    };
    return promise;
  };
}
