namespace Sequin.Functions.Engines;

/// <summary>
/// The ES5 prelude loaded before every user function: polyfills for the ES2015+ helpers people reach for most.
/// Every helper is non-enumerable, so <c>for (k in obj)</c> loops do not see them.
/// </summary>
internal static class JintPrelude
{
    /// <summary>The source name errors inside the prelude report.</summary>
    public const string SourceName = "sequin-prelude";

    /// <summary>The helpers the prelude adds, for docs and tests.</summary>
    public static readonly IReadOnlyList<string> Helpers =
    [
        "String.prototype.startsWith", "String.prototype.endsWith", "String.prototype.includes",
        "String.prototype.repeat", "String.prototype.padStart", "String.prototype.padEnd",
        "String.prototype.trimStart", "String.prototype.trimEnd",
        "Array.prototype.find", "Array.prototype.findIndex", "Array.prototype.includes", "Array.prototype.fill",
        "Array.from", "Array.of",
        "Object.assign", "Object.values", "Object.entries", "Object.fromEntries",
        "Number.isInteger", "Number.isFinite", "Number.isNaN", "Number.isSafeInteger", "Number.parseInt", "Number.parseFloat",
        "Math.trunc", "Math.sign",
    ];

    /// <summary>The prelude's source.</summary>
    public const string Source = """
        (function () {
          function define(obj, name, fn) {
            if (typeof obj[name] !== 'function') {
              Object.defineProperty(obj, name, { value: fn, writable: true, configurable: true, enumerable: false });
            }
          }
          function toInt(n) { n = Number(n); return n !== n ? 0 : (n < 0 ? Math.ceil(n) : Math.floor(n)); }
          define(String.prototype, 'startsWith', function (search, pos) {
            var s = String(this), t = String(search), p = Math.max(toInt(pos), 0);
            return s.substring(p, p + t.length) === t;
          });
          define(String.prototype, 'endsWith', function (search, end) {
            var s = String(this), t = String(search);
            var e = end === undefined ? s.length : Math.min(Math.max(toInt(end), 0), s.length);
            var start = e - t.length;
            return start >= 0 && s.substring(start, e) === t;
          });
          define(String.prototype, 'includes', function (search, pos) {
            return String(this).indexOf(String(search), toInt(pos)) !== -1;
          });
          define(String.prototype, 'repeat', function (count) {
            var s = String(this), n = toInt(count), out = '';
            if (n < 0 || n === Infinity) { throw new RangeError('Invalid count value'); }
            while (n > 0) { if (n & 1) { out += s; } n >>= 1; s += s; }
            return out;
          });
          function pad(s, len, fill, atStart) {
            s = String(s); len = toInt(len);
            fill = fill === undefined ? ' ' : String(fill);
            if (len <= s.length || fill === '') { return s; }
            var need = len - s.length, p = '';
            while (p.length < need) { p += fill; }
            p = p.substring(0, need);
            return atStart ? p + s : s + p;
          }
          define(String.prototype, 'padStart', function (len, fill) { return pad(this, len, fill, true); });
          define(String.prototype, 'padEnd', function (len, fill) { return pad(this, len, fill, false); });
          define(String.prototype, 'trimStart', function () { return String(this).replace(/^\s+/, ''); });
          define(String.prototype, 'trimEnd', function () { return String(this).replace(/\s+$/, ''); });
          define(Array.prototype, 'find', function (fn, thisArg) {
            for (var i = 0; i < this.length; i++) { if (fn.call(thisArg, this[i], i, this)) { return this[i]; } }
            return undefined;
          });
          define(Array.prototype, 'findIndex', function (fn, thisArg) {
            for (var i = 0; i < this.length; i++) { if (fn.call(thisArg, this[i], i, this)) { return i; } }
            return -1;
          });
          define(Array.prototype, 'includes', function (value, from) {
            var len = this.length, i = toInt(from);
            if (i < 0) { i = Math.max(len + i, 0); }
            for (; i < len; i++) {
              var v = this[i];
              if (v === value || (v !== v && value !== value)) { return true; }
            }
            return false;
          });
          define(Array.prototype, 'fill', function (value, start, end) {
            var len = this.length, s = toInt(start), e = end === undefined ? len : toInt(end);
            if (s < 0) { s = Math.max(len + s, 0); }
            if (e < 0) { e = Math.max(len + e, 0); }
            for (var i = s; i < Math.min(e, len); i++) { this[i] = value; }
            return this;
          });
          define(Array, 'from', function (items, fn, thisArg) {
            var out = [], i;
            if (items === null || items === undefined) { throw new TypeError('Array.from requires an array-like object'); }
            if (typeof items === 'string') { items = items.split(''); }
            for (i = 0; i < items.length; i++) { out.push(fn ? fn.call(thisArg, items[i], i) : items[i]); }
            return out;
          });
          define(Array, 'of', function () { return Array.prototype.slice.call(arguments); });
          define(Object, 'assign', function (target) {
            if (target === null || target === undefined) { throw new TypeError('Cannot convert undefined or null to object'); }
            var to = Object(target);
            for (var i = 1; i < arguments.length; i++) {
              var src = arguments[i];
              if (src !== null && src !== undefined) {
                for (var k in src) { if (Object.prototype.hasOwnProperty.call(src, k)) { to[k] = src[k]; } }
              }
            }
            return to;
          });
          define(Object, 'values', function (obj) {
            var out = [];
            for (var k in obj) { if (Object.prototype.hasOwnProperty.call(obj, k)) { out.push(obj[k]); } }
            return out;
          });
          define(Object, 'entries', function (obj) {
            var out = [];
            for (var k in obj) { if (Object.prototype.hasOwnProperty.call(obj, k)) { out.push([k, obj[k]]); } }
            return out;
          });
          define(Object, 'fromEntries', function (entries) {
            var out = {};
            for (var i = 0; i < entries.length; i++) { out[entries[i][0]] = entries[i][1]; }
            return out;
          });
          define(Number, 'isFinite', function (v) { return typeof v === 'number' && isFinite(v); });
          define(Number, 'isNaN', function (v) { return typeof v === 'number' && v !== v; });
          define(Number, 'isInteger', function (v) { return typeof v === 'number' && isFinite(v) && Math.floor(v) === v; });
          define(Number, 'isSafeInteger', function (v) { return Number.isInteger(v) && Math.abs(v) <= 9007199254740991; });
          define(Number, 'parseInt', parseInt);
          define(Number, 'parseFloat', parseFloat);
          define(Math, 'trunc', function (v) { v = Number(v); return v !== v ? v : (v < 0 ? Math.ceil(v) : Math.floor(v)); });
          define(Math, 'sign', function (v) { v = Number(v); return v > 0 ? 1 : (v < 0 ? -1 : v); });
        })();
        """;
}
