import { terms } from '../text/terms';

/**
 * Words developers and docs use for the same thing ("remove" and "delete", "row" and "record", "verb"
 * and "method", "shut down" and "close"): a question says one, the file that answers it another. Each
 * word of a question also looks up the other words of its groups, weighted below the question's own
 * words (a quarter: RERANK.relatedWeight) so they find a file that says it otherwise without outranking the
 * exact word; those in more than 3% of the chunks are not looked up (`setting` stems to `set`, which is everywhere).
 * Written from general knowledge of software docs, before looking at any question the evaluation
 * misses; never one package's names. A two-word phrase (`shut_down`) is matched as the question's
 * joined pair (`shutdown`), as compounds are.
 */
const GROUPS = [
  // Doing things to data
  'remove delete erase unset', 'create construct instantiate generate', 'update modify change edit alter',
  'add insert append attach', 'find search lookup locate look_up', 'fetch retrieve get obtain',
  'save store persist', 'load read open', 'copy clone duplicate', 'merge combine', 'split divide separate',
  'replace overwrite override', 'rename alias', 'compare diff equal', 'sort order', 'filter criteria where',
  'count tally total', 'increment bump', 'convert transform cast coerce', 'unique distinct dedupe',
  'ignore skip exclude omit', 'hide mask redact censor obscure', 'empty blank', 'null nil none',
  'optional nullable', 'required mandatory', 'default fallback preset', 'limit cap quota threshold',
  'size length', 'page paginate pagination offset cursor', 'join associate association relation populate',
  'record row entry', 'table collection model entity', 'transaction atomic commit rollback',
  'query criteria', 'database datastore',
  // Running things
  'start launch boot startup bootstrap spin_up', 'stop shutdown close terminate halt shut_down',
  'exit quit', 'restart reload reboot', 'refresh renew rotate', 'crash panic fatal',
  'cancel abort', 'wait await delay sleep pause', 'timeout deadline expire expiry ttl',
  'retry reattempt backoff', 'schedule cron interval periodic', 'queue job task worker',
  'concurrency parallel concurrent simultaneous', 'invoke call execute', 'enable activate turn_on',
  'disable deactivate turn_off', 'watch observe monitor', 'health liveness readiness heartbeat ping',
  'install setup', 'upgrade migrate migration', 'deprecated obsolete legacy', 'version release',
  'build compile bundle transpile', 'minify uglify', 'deploy deployment production',
  // Errors and diagnostics
  'error exception failure fault', 'throw raise', 'warning warn',
  'debug troubleshoot diagnose inspect', 'log logger logging', 'trace stack_trace stacktrace',
  'metric statistic stat measurement', 'fast quick speed', 'slow latency lag', 'memory heap ram',
  'validate verify check assert', 'test spec', 'mock stub fake spy',
  // Programs and their parts
  'setting option preference', 'customize customise tweak adjust', 'argument parameter param',
  'property attribute field member', 'function procedure routine', 'method verb', 'callback handler listener',
  'hook interceptor middleware', 'event notification signal', 'plugin extension addon',
  'type kind', 'interface contract protocol', 'infer deduce derive', 'wrap decorate decorator',
  'inherit subclass extend', 'id identifier uuid guid', 'name label title', 'description summary',
  'comment annotation', 'flag switch toggle', 'integer int', 'string text', 'array list',
  'dictionary map', 'boolean bool', 'date time timestamp datetime', 'character char',
  'encoding charset', 'whitespace space', 'escape sanitize', 'format formatting prettify indent',
  'output print display render', 'view template layout', 'style css theme', 'serialize encode stringify marshal',
  'parse decode deserialize unmarshal', 'hash digest checksum', 'encrypt cipher',
  // The web and the network
  'request call', 'response reply', 'result return outcome', 'send emit dispatch publish transmit broadcast',
  'receive subscribe listen', 'message payload body', 'route endpoint', 'url uri link href address',
  'cookie session', 'connection socket', 'websocket realtime', 'server host backend',
  'client consumer', 'browser frontend', 'proxy gateway', 'redirect forward', 'port bind',
  'upload multipart', 'compress compression gzip deflate', 'stream pipe', 'buffer chunk',
  'cache memoize memo', 'throttle rate_limit ratelimit', 'cors cross_origin',
  // People and access
  'user account', 'login signin logon sign_in log_in', 'logout signout logoff sign_out log_out',
  'permission access authorization authorize privilege policy role', 'token credential secret',
  'password passphrase', 'email mail',
  // Docs and tools
  'documentation docs manual guide', 'example sample demo snippet', 'tutorial walkthrough',
  'command subcommand', 'terminal console shell', 'folder directory',
];

let related: Map<string, string[]> | undefined;

/** Term → the other terms of its groups; built on first use (stemming at load would slow every import). */
export function relatedTerms(term: string): readonly string[] {
  if (!related) {
    const byTerm = new Map<string, Set<string>>();
    for (const line of GROUPS) {
      const group = [...new Set(line.split(' ').map((word) => (word.includes('_') ? word.replace('_', '') : terms(word)[0])).filter(Boolean))];
      for (const t of group) {
        const others = byTerm.get(t) ?? new Set<string>();
        for (const other of group) if (other !== t) others.add(other);
        byTerm.set(t, others);
      }
    }
    related = new Map([...byTerm].map(([t, others]) => [t, [...others]]));
  }
  return related.get(term) ?? [];
}
