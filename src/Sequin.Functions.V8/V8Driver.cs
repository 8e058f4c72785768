namespace Sequin.Functions.V8;

/// <summary>
/// The JavaScript that every V8 engine runs once before the user's function: it takes code generation from strings
/// away (<c>eval</c>, the <c>Function</c> constructors), freezes every object reachable from the global object, and
/// defines the two entry points the host calls, for one message and for a batch of messages as one JSON string.
/// </summary>
internal static class V8Driver
{
    /// <summary>The name of the wrapper function whose every call runs the user's top level anew.</summary>
    public const string WrapperName = "__sequin_function__";

    /// <summary>The driver's source, run first.</summary>
    public static readonly string Source = $$"""
        (function () {
          'use strict';
          // No agent to share memory with, and Atomics.wait blocks without running any JavaScript.
          delete globalThis.SharedArrayBuffer;
          delete globalThis.Atomics;
          // Array.prototype.fill on a huge sparse array allocates inside one built-in, which neither the watchdog nor
          // the heap limit can stop before V8 runs out of memory and ends the process: refuse the length up front, as
          // Jint's array size limit does.
          const fill = Array.prototype.fill;
          Object.defineProperty(Array.prototype, 'fill', {
            value: function (value, start, end) {
              if (Object(this).length > {{FunctionLimits.MaxArrayLength}}) {
                throw new RangeError("Array.prototype.fill: the array is longer than {{FunctionLimits.MaxArrayLength}} elements (the sandbox's array size limit).");
              }
              return fill.call(this, value, start, end);
            },
            writable: true, configurable: true, enumerable: false,
          });
          const refuse = function () { throw new EvalError('Code generation from strings is disabled in the sandbox.'); };
          for (const f of [function () {}, function* () {}, async function () {}, async function* () {}]) {
            Object.defineProperty(Object.getPrototypeOf(f), 'constructor', { value: refuse, writable: false, configurable: false });
          }
          refuse.prototype = Function.prototype;
          Object.defineProperty(globalThis, 'Function', { value: refuse, writable: false, configurable: false, enumerable: false });
          delete globalThis.eval;
          // ClearScript's own helper object (EngineInternal) is a non-configurable global: it cannot be deleted; the
          // wrapper shadows its name (V8CompiledFunction), but globalThis.EngineInternal stays reachable.
        })();
        """;

    /// <summary>Defines the entry points and freezes the realm; run after the user's code is loaded.</summary>
    public const string Entry = """
        (function (load) {
          'use strict';
          const describe = function (v) {
            if (v === null) return 'null';
            if (Array.isArray(v)) return 'an array';
            if (typeof v === 'function') return 'a function';
            if (typeof v === 'object') return 'an object';
            return typeof v + ' ' + String(v);
          };
          // Numbers as the Jint engine gives them (docs/reference/functions.md#numbers): one beyond the double range
          // arrives as the string of its digits; one a double does not hold as written keeps its text, and a value
          // returned as it arrived is routed with the message's text. JavaScript numbers have no identity, so "as it
          // arrived" is told by value: a number equal to one the message held inexactly (unless the message held two
          // texts of that double), or a string equal to an out-of-range number's digits.
          // A message's JSON can hold such a number only if it matches this (a cheap test, so that the reviver, which
          // costs, runs only then; a false match costs time, never correctness).
          const maybeInexact = /\d{16}|\.\d*0[,\]}\s]|\.0{6}|\d[eE]|[:,\[]\s*-0[,\]}\s]/;
          let inexact = new Map();
          const perMessage = new WeakMap();
          let exact = null;
          const isMessage = function (v) {
            return v !== null && typeof v === 'object' && !Array.isArray(v) && 'action' in v && 'record' in v && 'changes' in v && 'metadata' in v;
          };
          // Revives bottom-up: a message's numbers come before the message itself, which takes them.
          const keepExact = function (k, v, context) {
            if (typeof v === 'number' && context !== undefined) {
              const text = context.source;
              if (v === Infinity || v === -Infinity) {
                inexact.set(text, text);
                return text;
              }
              if (String(v) !== text) {
                inexact.set(v, inexact.has(v) && inexact.get(v) !== text ? null : text);
              }
            } else if ((k === '' || Array.isArray(this)) && isMessage(v)) {
              perMessage.set(v, inexact);
              inexact = new Map();
            }
            return v;
          };
          const parse = function (json) {
            inexact = new Map();
            return maybeInexact.test(json) ? JSON.parse(json, keepExact) : JSON.parse(json);
          };
          const exactText = function (v) {
            const text = exact === null ? undefined : exact.get(v);
            return typeof text === 'string' ? text : undefined;
          };
          const entries = function (r) {
            if (r === null || typeof r !== 'object' || Array.isArray(r)) {
              return { error: 'returned ' + (r === undefined ? 'undefined' : describe(r)) + '. Routing functions must return an object, e.g. { topic: "..." }.' };
            }
            const out = [];
            for (const k of Object.keys(r)) {
              const v = r[k];
              const text = (typeof v === 'number' || typeof v === 'string') ? exactText(v) : undefined;
              if (text !== undefined) out.push([k, 1, text]);
              else if (typeof v === 'string') out.push([k, 0, v]);
              else if (typeof v === 'number') out.push([k, 1, String(v)]);
              else if (v === null) out.push([k, 2]);
              else if (v === undefined) out.push([k, 3]);
              else if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every(function (h) { return typeof v[h] === 'string' || typeof v[h] === 'number'; })) {
                const m = {};
                for (const h of Object.keys(v)) m[h] = String(v[h]);
                out.push([k, 5, JSON.stringify(m)]);
              }
              else out.push([k, 4, describe(v)]);
            }
            return out;
          };
          const where = function (e) {
            const stack = e && typeof e.stack === 'string' ? e.stack : '';
            const m = /:(\d+):(\d+)\)?\n?/.exec(stack.split('\n').slice(1).join('\n'));
            return m ? [Number(m[1]), Number(m[2]) - 1] : [null, null];
          };
          const failure = function (e) {
            const text = e instanceof Error ? e.name + ': ' + e.message : 'Uncaught ' + describe(e);
            const at = where(e);
            return { error: text, line: at[0], column: at[1] };
          };
          const one = function (m) {
            exact = perMessage.get(m) || null;
            try {
              const f = load();
              return entries(f(m.action, m.record, m.changes, m.metadata));
            } finally {
              exact = null;
            }
          };
          const route = function (json) {
            try { return JSON.stringify(one(parse(json))); } catch (e) { return JSON.stringify(failure(e)); }
          };
          const routeBatch = function (json) {
            const messages = parse(json);
            const results = new Array(messages.length);
            for (let i = 0; i < messages.length; i++) {
              try { results[i] = one(messages[i]); } catch (e) { results[i] = failure(e); }
            }
            return JSON.stringify(results);
          };
          const seen = new Set();
          const pending = [globalThis];
          while (pending.length > 0) {
            const o = pending.pop();
            if (seen.has(o)) continue;
            seen.add(o);
            for (const k of Reflect.ownKeys(o)) {
              const d = Object.getOwnPropertyDescriptor(o, k);
              for (const v of [d.value, d.get, d.set]) {
                if (v !== null && (typeof v === 'object' || typeof v === 'function')) pending.push(v);
              }
            }
            const p = Object.getPrototypeOf(o);
            if (p !== null) pending.push(p);
            Object.freeze(o);
          }
          return [route, routeBatch];
        })
        """;
}
